package dev.tandem.agent.election;

import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.DecodeResult;
import dev.tandem.vrrp.udp.UdpRejectReason;

/**
 * What the election loop tells the rest of the agent: status reports, Events, metrics and logs. Called on the loop
 * thread, so implementations must return at once (hand slow work, such as API calls, to another thread): nothing on
 * the failover path may wait for them.
 */
public interface ElectionListener {
    /**
     * @param takeoverMillis for a takeover after the master fell silent or resigned: milliseconds from the last advert
     *                       heard to the addresses being installed; -1 otherwise
     */
    default void transition(Action.Transition transition, long takeoverMillis) {
    }

    default void advertSent(int priority) {
    }

    default void advertReceived() {
    }

    default void advertRejected(DecodeResult.RejectReason reason, String message) {
    }

    /**
     * A datagram of the udp transport dropped before the election saw it: unauthenticated, forged, replayed, from a
     * stranger or malformed. It changed nothing.
     */
    default void datagramRejected(UdpRejectReason reason, String message) {
    }

    /** An advert of another virtual router on the same link: normal on a shared segment, counted apart. */
    default void foreignAdvert(int vrid) {
    }

    default void announced(String address, int frames) {
    }

    default void healthChanged(String check, boolean passing, String detail) {
    }

    /** Something failed that the loop survived, e.g. a send error; the message names what and why. */
    default void problem(String message) {
    }
}
