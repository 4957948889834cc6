package dev.tandem.agent.election;

import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.DecodeResult;
import dev.tandem.vrrp.udp.UdpRejectReason;

import java.util.List;

/** Several listeners as one, called in order. */
public final class Listeners implements ElectionListener {
    private final List<ElectionListener> all;

    public Listeners(List<ElectionListener> all) {
        this.all = List.copyOf(all);
    }

    @Override
    public void transition(Action.Transition transition, long takeoverMillis) {
        all.forEach(l -> l.transition(transition, takeoverMillis));
    }

    @Override
    public void advertSent(int priority) {
        all.forEach(l -> l.advertSent(priority));
    }

    @Override
    public void advertReceived() {
        all.forEach(ElectionListener::advertReceived);
    }

    @Override
    public void advertRejected(DecodeResult.RejectReason reason, String message) {
        all.forEach(l -> l.advertRejected(reason, message));
    }

    @Override
    public void datagramRejected(UdpRejectReason reason, String message) {
        all.forEach(l -> l.datagramRejected(reason, message));
    }

    @Override
    public void udpPeerConfirmed(String peer, long afterNanos) {
        all.forEach(l -> l.udpPeerConfirmed(peer, afterNanos));
    }

    @Override
    public void foreignAdvert(int vrid) {
        all.forEach(l -> l.foreignAdvert(vrid));
    }

    @Override
    public void announced(String address, int frames) {
        all.forEach(l -> l.announced(address, frames));
    }

    @Override
    public void healthChanged(String check, boolean passing, String detail) {
        all.forEach(l -> l.healthChanged(check, passing, detail));
    }

    @Override
    public void healthProbed(String check, boolean healthy, java.time.Duration took) {
        all.forEach(l -> l.healthProbed(check, healthy, took));
    }

    @Override
    public void masterDownTimerExpired() {
        all.forEach(ElectionListener::masterDownTimerExpired);
    }

    @Override
    public void layer2Installed(int addresses, long tookNanos) {
        all.forEach(l -> l.layer2Installed(addresses, tookNanos));
    }

    @Override
    public void problem(String message) {
        all.forEach(l -> l.problem(message));
    }
}
