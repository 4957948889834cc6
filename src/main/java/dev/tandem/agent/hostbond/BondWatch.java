package dev.tandem.agent.hostbond;

import dev.tandem.net.LinkMonitor;
import dev.tandem.net.LinkState;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Bond mode running on a node: the kernel fails over by itself (miimon or ARP monitoring); this follows it. On every
 * link notification about the bond or a slave (the kernel sends one for the bond on each failover,
 * NETDEV_BONDING_FAILOVER) it reads the bond's active slave and reports a change with an Event.
 */
final class BondWatch implements AutoCloseable {
    private final HostNetwork net;
    private final String bond;
    private final List<String> slaves;
    private final String preferred;
    private final NodeReport report;
    private final LinkEvents monitor;
    private final Thread thread;
    private volatile boolean stopped;
    private String active;

    private BondWatch(HostNetwork net, String bond, List<String> slaves, String preferred, NodeReport report,
                      LinkEvents monitor, ThreadFactory threads) {
        this.net = net;
        this.bond = bond;
        this.slaves = slaves;
        this.preferred = preferred;
        this.report = report;
        this.monitor = monitor;
        this.active = activeSlave();
        this.thread = threads.newThread(this::loop);
        thread.setName("tandem-bond-" + bond);
        thread.setDaemon(true);
    }

    /** Opens the link notifications in the calling thread's network namespace. */
    static BondWatch open(HostNetwork net, Plan.Bond plan, NodeReport report, ThreadFactory threads) throws IOException {
        String preferred = plan.options().primary() != 0
                ? net.snapshot().name(plan.options().primary()) : plan.slaves().getFirst();
        return new BondWatch(net, plan.name(), plan.slaves(), preferred, report, net.openLinkEvents(), threads);
    }

    BondWatch start() {
        thread.start();
        return this;
    }

    /** The active slave's name, or null when the bond has none (no slave has a link). */
    String active() {
        return active;
    }

    String activeSlave() {
        try {
            LinkState b = net.link(bond);
            return b.activeSlave() == 0 ? null : net.snapshot().name(b.activeSlave());
        } catch (IOException e) {
            return null;
        }
    }

    private void loop() {
        while (!stopped) {
            List<LinkMonitor.Change> changes;
            try {
                changes = monitor.next(Duration.ofSeconds(5));
            } catch (IOException e) {
                if (!stopped) {
                    NodeReport.LOG.warnf("link notifications for %s failed: %s", bond, e.getMessage());
                }
                return;
            }
            if (stopped) {
                return;
            }
            // Also every 5 s without notifications: a failover is never missed for long.
            String now = activeSlave();
            if (now != null && !now.equals(active)) {
                String from = active == null ? "no slave" : active;
                active = now;
                report.activeChanged(from, now, "the kernel's bond " + bond + " failed over (" + carriers() + ")",
                        now.equals(preferred));
            }
        }
    }

    private String carriers() {
        List<String> states = new ArrayList<>();
        for (String s : slaves) {
            try {
                states.add(s + (net.link(s).hasCarrier() ? " has a carrier" : " has no carrier"));
            } catch (IOException e) {
                states.add(s + " is gone");
            }
        }
        return String.join(", ", states);
    }

    @Override
    public void close() {
        stopped = true;
        monitor.close();
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
