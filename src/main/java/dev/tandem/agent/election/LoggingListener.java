package dev.tandem.agent.election;

import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.DecodeResult;
import dev.tandem.vrrp.udp.UdpRejectReason;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's log: every transition and health change at INFO, problems at WARN, rejected adverts and dropped udp datagrams at most once per
 * ten seconds per pair (a forger or a misconfigured peer must not flood the log). Adverts dropped as {@code unconfirmed}
 * are normal for a round trip after a start, so they are logged at INFO and apart, not to hide a WARN.
 */
public final class LoggingListener implements ElectionListener {
    private static final Logger LOG = Logger.getLogger("dev.tandem.agent");
    private static final long REJECT_LOG_INTERVAL_NANOS = 10_000_000_000L;
    private final String pair;
    private final AtomicLong lastRejectLog = new AtomicLong(System.nanoTime() - REJECT_LOG_INTERVAL_NANOS);
    private final AtomicLong lastUnconfirmedLog = new AtomicLong(System.nanoTime() - REJECT_LOG_INTERVAL_NANOS);

    public LoggingListener(String pair) {
        this.pair = pair;
    }

    @Override
    public void transition(Action.Transition t, long takeoverMillis) {
        LOG.infof("%s: %s -> %s (%s)%s", pair, t.from(), t.to(), t.reason().label(),
                takeoverMillis >= 0 ? ", took over " + takeoverMillis + " ms after the last advert" : "");
    }

    @Override
    public void healthChanged(String check, boolean passing, String detail) {
        LOG.infof("%s: health check %s is %s (%s)", pair, check, passing ? "passing" : "failing", detail);
    }

    @Override
    public void advertRejected(DecodeResult.RejectReason reason, String message) {
        long now = System.nanoTime();
        long last = lastRejectLog.get();
        if (now - last >= REJECT_LOG_INTERVAL_NANOS && lastRejectLog.compareAndSet(last, now)) {
            LOG.warnf("%s: rejected an advert (%s): %s", pair, reason.label(), message);
        }
    }

    @Override
    public void datagramRejected(UdpRejectReason reason, String message) {
        boolean unconfirmed = reason == UdpRejectReason.UNCONFIRMED;
        if (due(unconfirmed ? lastUnconfirmedLog : lastRejectLog)) {
            LOG.logf(unconfirmed ? Logger.Level.INFO : Logger.Level.WARN, "%s: dropped a udp transport datagram (%s): %s",
                    pair, reason.label(), message);
        }
    }

    @Override
    public void udpPeerConfirmed(String peer, long afterNanos) {
        LOG.infof("%s: udp transport: %s answered this member's hello %d ms after the start; its adverts count from now",
                pair, peer, afterNanos / 1_000_000);
    }

    private static boolean due(AtomicLong last) {
        long now = System.nanoTime();
        long then = last.get();
        return now - then >= REJECT_LOG_INTERVAL_NANOS && last.compareAndSet(then, now);
    }

    @Override
    public void problem(String message) {
        LOG.warnf("%s: %s", pair, message);
    }
}
