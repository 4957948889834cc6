package dev.tandem.agent.hostbond;

import dev.tandem.agent.kubernetes.RateLimitedWarning;
import dev.tandem.net.GatewayProbe;
import dev.tandem.net.LinkMonitor;
import dev.tandem.net.LinkState;
import dev.tandem.net.Route;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Collectors;

/**
 * Routed mode running on a node: every uplink keeps its own default route, the active one at the plan's active
 * metric and the others at their standby metrics. Each uplink's gateway is probed on a thread of its own; when the
 * active uplink's gateway stops answering ({@code fall} probes lost, or its carrier lost) the active route is moved
 * to the first uplink in the order of preference whose gateway answers, in one route replace, and it moves back when
 * the preferred uplink's gateway answers again ({@code rise} probes in a row). When no gateway answers, traffic stays
 * where it is.
 */
final class RoutedUplinks implements AutoCloseable {
    private final HostNetwork net;
    private final Plan.Routed plan;
    private final NodeReport report;
    private final ThreadFactory threads;
    private final Ticker ticker;
    private final List<Member> members;
    private final LinkEvents linkMonitor;
    private final Object lock = new Object();
    private final List<Thread> running = new ArrayList<>();
    private volatile boolean stopped;
    private Member active;
    private boolean noneAnswerReported;

    /** One uplink and what is known of it. */
    private static final class Member {
        final Plan.Uplink uplink;
        final int index;
        final UplinkHealth health;
        final GatewayProbe probe;
        final RateLimitedWarning warning = new RateLimitedWarning(Duration.ofMinutes(1));

        Member(Plan.Uplink uplink, int index, UplinkHealth health, GatewayProbe probe) {
            this.uplink = uplink;
            this.index = index;
            this.health = health;
            this.probe = probe;
        }

        String name() {
            return uplink.name();
        }
    }

    private RoutedUplinks(HostNetwork net, Plan.Routed plan, NodeReport report, ThreadFactory threads, Ticker ticker,
                          List<Member> members, LinkEvents linkMonitor) {
        this.net = net;
        this.plan = plan;
        this.report = report;
        this.threads = threads;
        this.ticker = ticker;
        this.members = members;
        this.linkMonitor = linkMonitor;
    }

    /** Opens every uplink's probe and the link notifications, in the calling thread's network namespace. */
    static RoutedUplinks open(HostNetwork net, Plan.Routed plan, NodeReport report, ThreadFactory threads,
                              Ticker ticker) throws ApplyException {
        List<Member> members = new ArrayList<>();
        LinkEvents monitor = null;
        try {
            for (Plan.Uplink u : plan.uplinks()) {
                LinkState link = net.link(u.name());
                members.add(new Member(u, link.index(), new UplinkHealth(plan.probing().rise(), plan.probing().fall()),
                        net.openProbe(plan.probing().method(), u.name(), u.gateway())));
            }
            monitor = net.openLinkEvents();
            return new RoutedUplinks(net, plan, report, threads, ticker, members, monitor);
        } catch (IOException e) {
            members.forEach(m -> m.probe.close());
            if (monitor != null) {
                monitor.close();
            }
            throw new ApplyException("opening the uplinks' probes", e);
        }
    }

    /**
     * Probes every uplink once, makes the first whose gateway answers the active one (the preferred one when none
     * answers) and puts the routes in place: tandem's replace the node's own default routes through the uplinks.
     */
    void install() throws ApplyException {
        synchronized (lock) {
            for (Member m : members) {
                record(m, probeOnce(m));
            }
            active = members.stream().filter(m -> m.health.isUp()).findFirst().orElse(members.getFirst());
            List<Route> desired = new ArrayList<>();
            for (Member m : members) {
                desired.add(route(m, m == active));
            }
            try {
                for (Route r : desired) {
                    net.replaceRoute(r);
                }
            } catch (IOException e) {
                throw new ApplyException("installing the uplinks' default routes", e);
            }
            Set<Integer> uplinkIndexes = members.stream().map(m -> m.index).collect(Collectors.toSet());
            try {
                for (Route r : net.snapshot().defaultRoutes()) {
                    boolean ours = r.protocol() == Route.TANDEM_PROTOCOL || uplinkIndexes.contains(r.outputInterface());
                    if (r.isIpv4() && ours && !desired.contains(r)) {
                        net.deleteRoute(r);
                    }
                }
            } catch (IOException e) {
                throw new ApplyException("removing the default routes that tandem's replace", e);
            }
        }
    }

    /** Starts probing and following link changes. */
    void start() {
        for (Member m : members) {
            start(threads.newThread(() -> probeLoop(m)), "tandem-probe-" + m.name());
        }
        start(threads.newThread(this::linkLoop), "tandem-uplink-links");
    }

    private void start(Thread t, String name) {
        t.setName(name);
        t.setDaemon(true);
        running.add(t);
        t.start();
    }

    /** Whether the active uplink's gateway answers: what the rollback waits for after the change. */
    boolean activeAnswers() {
        synchronized (lock) {
            return active != null && active.health.isUp();
        }
    }

    String activeName() {
        synchronized (lock) {
            return active == null ? null : active.name();
        }
    }

    /** Each uplink's state, e.g. {@code eth0 (gateway 10.0.1.1) UP, eth1 (gateway 10.0.2.1) DOWN}. */
    String describe() {
        synchronized (lock) {
            return members.stream().map(m -> m.name() + " (gateway " + text(m.uplink.gateway()) + ") "
                    + m.health.state()).collect(Collectors.joining(", "));
        }
    }

    private Route route(Member m, boolean isActive) {
        return Route.defaultVia(m.uplink.gateway(), m.index, isActive ? plan.activeMetric() : m.uplink.standbyMetric(),
                Route.TANDEM_PROTOCOL);
    }

    private boolean probeOnce(Member m) {
        try {
            boolean answered = m.probe.probe(plan.probing().timeout());
            m.warning.succeeded("probing " + m.probe.describe() + " works");
            return answered;
        } catch (ClosedChannelException e) {
            return false;
        } catch (IOException e) {
            if (!stopped) {
                m.warning.failed("cannot probe " + m.probe.describe() + ": " + e.getMessage());
            }
            return false;
        }
    }

    private void probeLoop(Member m) {
        long interval = plan.probing().interval().toNanos();
        long next = ticker.nanos() + interval;
        try {
            while (!stopped) {
                long wait = next - ticker.nanos();
                if (wait > 0) {
                    ticker.sleep(Duration.ofNanos(wait));
                } else {
                    next = ticker.nanos(); // a late start skips what it missed rather than probing in a burst
                }
                next += interval;
                if (stopped) {
                    return;
                }
                boolean answered = probeOnce(m);
                synchronized (lock) {
                    if (!stopped && record(m, answered)) {
                        reselect(m.name() + "'s gateway " + text(m.uplink.gateway())
                                + (answered ? " answers again (" + plan.probing().rise() + " probes in a row)"
                                : " stopped answering (" + plan.probing().fall() + " probes lost)"));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean record(Member m, boolean answered) {
        return answered ? m.health.answered() : m.health.lost();
    }

    private void linkLoop() {
        while (!stopped) {
            List<LinkMonitor.Change> changes;
            try {
                changes = linkMonitor.next(Duration.ofSeconds(1));
            } catch (IOException e) {
                if (!stopped) {
                    NodeReport.LOG.warnf("link notifications failed: %s; carrier losses are noticed by the probes only",
                            e.getMessage());
                }
                return;
            }
            synchronized (lock) {
                if (stopped) {
                    return;
                }
                for (LinkMonitor.Change c : changes) {
                    for (Member m : members) {
                        if (c == LinkMonitor.Change.OVERFLOW || c.index() == m.index) {
                            linkChanged(m, c == LinkMonitor.Change.OVERFLOW ? carrier(m) : c.carrier());
                        }
                    }
                }
            }
        }
    }

    private boolean carrier(Member m) {
        try {
            return net.link(m.name()).hasCarrier();
        } catch (IOException e) {
            return false;
        }
    }

    private void linkChanged(Member m, boolean carrier) {
        if (!carrier) {
            if (m.health.carrierLost()) {
                reselect(m.name() + " lost its carrier");
            }
            return;
        }
        // A link that was set down lost its routes with it; put this uplink's back (replace is idempotent).
        try {
            net.replaceRoute(route(m, m == active));
        } catch (IOException e) {
            NodeReport.LOG.debugf("route of %s not restored yet: %s", m.name(), e.getMessage());
        }
    }

    /** Moves traffic to the first uplink whose gateway answers, if that is not where it is. Holds the lock. */
    private void reselect(String why) {
        Member best = members.stream().filter(m -> m.health.isUp()).findFirst().orElse(null);
        if (best == null) {
            if (!noneAnswerReported) {
                noneAnswerReported = true;
                report.event("Warning", "NoUplink", "no uplink's gateway answers (" + why + "); traffic stays on "
                        + active.name());
            }
            return;
        }
        noneAnswerReported = false;
        if (best == active) {
            return;
        }
        Member from = active;
        try {
            // The one step that moves traffic: the route at the active metric now goes through the new uplink.
            net.replaceRoute(route(best, true));
        } catch (IOException e) {
            report.event("Warning", "FailoverFailed", "cannot move traffic from " + from.name() + " to " + best.name()
                    + " (" + why + "): " + e.getMessage());
            return;
        }
        active = best;
        try {
            net.replaceRoute(route(from, false));
        } catch (IOException e) {
            // A link that is down has no routes; its standby route comes back with it (linkChanged).
            NodeReport.LOG.debugf("standby route of %s not in place: %s", from.name(), e.getMessage());
        }
        try {
            net.deleteRoute(route(best, false));
        } catch (IOException e) {
            NodeReport.LOG.debugf("standby route of %s not removed: %s", best.name(), e.getMessage());
        }
        report.activeChanged(from.name(), best.name(), why, best == members.getFirst());
    }

    private static String text(byte[] address) {
        return Route.defaultVia(address, 0, 0, 0).gatewayText();
    }

    /** Stops probing; the routes stay as they are. */
    @Override
    public void close() {
        stopped = true;
        members.forEach(m -> m.probe.close());
        linkMonitor.close();
        for (Thread t : running) {
            t.interrupt();
        }
        for (Thread t : running) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
