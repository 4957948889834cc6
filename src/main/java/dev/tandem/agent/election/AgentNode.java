package dev.tandem.agent.election;

import dev.tandem.agent.PairPlan;
import dev.tandem.net.AddressTable;
import dev.tandem.net.ErrnoException;
import dev.tandem.net.Interfaces;
import dev.tandem.net.Scheduling;
import dev.tandem.net.LinkLayerAnnouncer;
import dev.tandem.net.LinkMonitor;
import dev.tandem.net.VrrpSocket;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One pair's election on this node, wired to the Linux data plane: VRRP socket, address table, announcer, health
 * checks and the loop thread. Open it on a thread in the node's network namespace: the sockets stay there.
 */
public final class AgentNode implements AutoCloseable {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger("dev.tandem.agent");
    /** The election thread's SCHED_FIFO priority by default: above ordinary work, below the kernel's own threads. */
    public static final int DEFAULT_REALTIME_PRIORITY = 10;
    private static volatile int realtimePriority = DEFAULT_REALTIME_PRIORITY;

    /** The SCHED_FIFO priority of election threads started from now on; 0 keeps them at the default policy. */
    public static void useRealtimePriority(int priority) {
        if (priority < 0 || priority > Scheduling.MAX_PRIORITY) {
            throw new IllegalArgumentException("--realtime-priority must be 0 (off) to " + Scheduling.MAX_PRIORITY
                    + ", got " + priority);
        }
        realtimePriority = priority;
    }

    private final PairPlan plan;
    private final VrrpSocket socket;
    private final AddressTable table;
    private final LinkLayerAnnouncer announcer;
    private final LinkMonitor links;
    private final ScheduledExecutorService scheduler;
    private final ElectionLoop loop;
    private final HealthMonitor health;
    private final List<String> leftovers;
    private final ElectionListener listener;
    private Thread thread;
    private Thread linkThread;

    private AgentNode(PairPlan plan, VrrpSocket socket, AddressTable table, LinkLayerAnnouncer announcer,
                      LinkMonitor links, ScheduledExecutorService scheduler, ElectionListener listener)
            throws IOException {
        this.plan = plan;
        this.socket = socket;
        this.table = table;
        this.announcer = announcer;
        this.links = links;
        this.listener = listener;
        this.scheduler = scheduler;
        this.loop = new ElectionLoop(plan, socket, table, announcer, scheduler, listener, table::hasCarrier);
        this.leftovers = loop.removeLeftovers();
        this.health = new HealthMonitor(plan.healthChecks(), plan.priority(), scheduler, loop, listener);
    }

    /**
     * Opens the sockets in the calling thread's network namespace and removes what a killed predecessor left behind.
     *
     * @throws IOException naming the interface, address or call that failed
     */
    public static AgentNode open(PairPlan plan, ElectionListener listener) throws IOException {
        AddressTable table = AddressTable.open();
        VrrpSocket socket = null;
        LinkLayerAnnouncer announcer = null;
        LinkMonitor links = null;
        try {
            byte[] self = AddressSet.bytes(plan.selfAddress());
            String iface = plan.interfaceName() != null ? plan.interfaceName() : InterfaceFinder.holding(self, table);
            Interfaces.require(iface);
            socket = self.length == 4 ? VrrpSocket.openIpv4(iface, plan.multicast(), self)
                    : VrrpSocket.openIpv6(iface, plan.multicast());
            announcer = LinkLayerAnnouncer.open();
            links = LinkMonitor.open();
            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2,
                    Thread.ofPlatform().daemon().name("tandem-" + plan.pair() + "-", 0).factory());
            return new AgentNode(plan, socket, table, announcer, links, scheduler, listener);
        } catch (IOException | RuntimeException e) {
            if (socket != null) socket.close();
            if (announcer != null) announcer.close();
            if (links != null) links.close();
            table.close();
            throw e;
        }
    }

    /** Addresses of this pair that a previous run left on the interfaces and that were removed at start. */
    public List<String> leftovers() {
        return leftovers;
    }

    public ElectionLoop loop() {
        return loop;
    }

    public PairPlan plan() {
        return plan;
    }

    /** Starts the election thread and the health checks. */
    public AgentNode start() {
        health.start();
        int priority = realtimePriority;
        thread = Thread.ofPlatform().name("tandem-election-" + plan.pair()).start(() -> {
            if (priority > 0) {
                try {
                    Scheduling.realtime(priority);
                    LOG.infof("%s: the election thread runs real-time (SCHED_FIFO %d)", plan.pair(), priority);
                } catch (ErrnoException e) {
                    LOG.infof("%s: the election thread runs at the normal priority (%s); give the agent CAP_SYS_NICE"
                            + " so that adverts stay on time when the node's CPUs are saturated", plan.pair(),
                            e.getMessage());
                }
            }
            loop.run();
        });
        linkThread = Thread.ofPlatform().daemon().name("tandem-link-" + plan.pair()).start(this::watchLinks);
        return this;
    }

    /** Tells the loop about every notification for its interface (or a lost one), as it happens. */
    private void watchLinks() {
        String iface = loop.interfaceName();
        try {
            while (true) {
                for (LinkMonitor.Change c : links.next(Duration.ofDays(1))) {
                    if (c == LinkMonitor.Change.OVERFLOW || iface.equals(c.name())) {
                        loop.carrierChanged();
                    }
                }
            }
        } catch (java.nio.channels.ClosedChannelException closing) {
            // close() ended the wait
        } catch (IOException | RuntimeException e) {
            listener.problem("link notifications stopped (" + e.getMessage() + "); the carrier of " + iface
                    + " is still checked every " + ElectionLoop.CARRIER_CHECK.toMillis() + " ms");
        }
    }

    /** Leaves gracefully (priority 0, addresses removed) and frees every resource. */
    @Override
    public void close() {
        try {
            health.close();
            if (thread != null) {
                loop.stop(Duration.ofSeconds(2));
                thread.join(Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.shutdownNow();
            links.close();
            socket.close();
            announcer.close();
            table.close();
        }
    }
}
