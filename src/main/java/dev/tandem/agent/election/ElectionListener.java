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

    /**
     * A member answered this member's udp transport hello: its adverts are believed from now on (until then they were
     * dropped as {@code unconfirmed}, see {@link dev.tandem.vrrp.udp.UdpAuthenticator}).
     *
     * @param afterNanos from this member's start to the answer
     */
    default void udpPeerConfirmed(String peer, long afterNanos) {
    }

    /** An advert of another virtual router on the same link: normal on a shared segment, counted apart. */
    default void foreignAdvert(int vrid) {
    }

    default void announced(String address, int frames) {
    }

    /** A health check changed its verdict, after rise or fall. */
    default void healthChanged(String check, boolean passing, String detail) {
    }

    /** One run of a health check ended (called on the health checks' thread, not the loop's). */
    default void healthProbed(String check, boolean healthy, java.time.Duration took) {
    }

    /** The Master_Down_Timer ran out in BACKUP (RFC 5798 §6.4.2); the takeover's transition follows. */
    default void masterDownTimerExpired() {
    }

    /**
     * On becoming MASTER, this member installed its layer-2 addresses and sent their first announcement.
     *
     * @param tookNanos from taking over to the first announcement being sent
     */
    default void layer2Installed(int addresses, long tookNanos) {
    }

    /** Something failed that the loop survived, e.g. a send error; the message names what and why. */
    default void problem(String message) {
    }
}
