package dev.tandem.agent.election;

import dev.tandem.agent.PairPlan;
import dev.tandem.net.AddressTable;
import dev.tandem.net.ErrnoException;
import dev.tandem.net.Interfaces;
import dev.tandem.net.Scheduling;
import dev.tandem.net.LinkLayerAnnouncer;
import dev.tandem.net.LinkMonitor;
import dev.tandem.net.VrrpSocket;

import dev.tandem.net.UdpVrrpSocket;
import dev.tandem.vrrp.IpAddress;
import dev.tandem.vrrp.udp.AuthKey;
import dev.tandem.vrrp.udp.KeyRotation;
import dev.tandem.vrrp.udp.Keyring;
import dev.tandem.vrrp.udp.UdpAuthenticator;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
                      LinkMonitor links, ScheduledExecutorService scheduler, ElectionListener listener,
                      IpAddress primary) throws IOException {
        this.plan = plan;
        this.socket = socket;
        this.table = table;
        this.announcer = announcer;
        this.links = links;
        this.listener = listener;
        this.scheduler = scheduler;
        this.loop = new ElectionLoop(plan, socket, table, announcer, scheduler, listener, table::hasCarrier, primary);
        this.leftovers = loop.removeLeftovers();
        this.health = new HealthMonitor(plan.healthChecks(), plan.priority(), scheduler, loop, listener);
    }

    /**
     * Opens the sockets in the calling thread's network namespace and removes what a killed predecessor left behind.
     *
     * @throws IOException naming the interface, address or call that failed
     */
    public static AgentNode open(PairPlan plan, ElectionListener listener) throws IOException {
        return open(plan, listener, AuthKeySource.NONE);
    }

    /**
     * As {@link #open(PairPlan, ElectionListener)}; a pair with the udp transport reads its keys from {@code keys}
     * now (a missing or short key is an error naming the Secret or file) and again every {@link #KEY_CHECK}.
     */
    public static AgentNode open(PairPlan plan, ElectionListener listener, AuthKeySource keys) throws IOException {
        return open(plan, listener, keys, KeyRotation.DEFAULT_WINDOW);
    }

    /** As above with another key rotation window than {@link KeyRotation#DEFAULT_WINDOW}: for tests. */
    public static AgentNode open(PairPlan plan, ElectionListener listener, AuthKeySource keys, Duration rotationWindow)
            throws IOException {
        AddressTable table = AddressTable.open();
        VrrpSocket socket = null;
        LinkLayerAnnouncer announcer = null;
        LinkMonitor links = null;
        ScheduledExecutorService scheduler = null;
        try {
            byte[] self = AddressSet.bytes(plan.selfAddress());
            String iface = plan.interfaceName() != null ? plan.interfaceName() : InterfaceFinder.holding(self, table);
            Interfaces.require(iface);
            scheduler = Executors.newScheduledThreadPool(2,
                    Thread.ofPlatform().daemon().name("tandem-" + plan.pair() + "-", 0).factory());
            byte[] primary = self;
            if (plan.udp() != null) {
                socket = openUdp(plan, iface, self, listener, keys, rotationWindow, scheduler);
            } else if (self.length == 4) {
                socket = VrrpSocket.openIpv4(iface, plan.multicast(), self);
            } else {
                // RFC 5798 §5.1.2.1: IPv6 adverts to ff02::12 come from the interface's link-local address, which is
                // then the primary address that breaks a priority tie (§6.4.3); unicast ones from the member's own.
                primary = plan.multicast() ? linkLocal(iface, table) : self;
                socket = VrrpSocket.openIpv6(iface, plan.multicast(), primary);
            }
            announcer = LinkLayerAnnouncer.open();
            links = LinkMonitor.open();
            return new AgentNode(plan, socket, table, announcer, links, scheduler, listener, IpAddress.of(primary));
        } catch (IOException | RuntimeException e) {
            if (scheduler != null) scheduler.shutdownNow();
            if (socket != null) socket.close();
            if (announcer != null) announcer.close();
            if (links != null) links.close();
            table.close();
            throw e;
        }
    }

    /** The interface's IPv6 link-local address (fe80::/10). */
    private static byte[] linkLocal(String iface, AddressTable table) throws IOException {
        for (dev.tandem.net.InstalledAddress a : table.list(iface)) {
            byte[] b = a.address();
            if (b.length == 16 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0x80) {
                return b;
            }
        }
        throw new IOException(iface + " has no IPv6 link-local address; VRRP multicast over IPv6 sends from it"
                + " (RFC 5798 §5.1.2.1). Bring the interface up with IPv6 enabled, or use peering: unicast");
    }

    /** How often the udp transport's keys are read again, to follow a rotation. */
    public static final Duration KEY_CHECK = Duration.ofSeconds(2);

    /**
     * The udp transport's socket, authenticating with the keys from {@code keys}, which are read again every
     * {@link #KEY_CHECK} on the scheduler: a rotation needs no restart and causes no failover ({@link KeyRotation}).
     */
    private static VrrpSocket openUdp(PairPlan plan, String iface, byte[] self, ElectionListener listener,
                                      AuthKeySource keys, Duration rotationWindow, ScheduledExecutorService scheduler)
            throws IOException {
        Keyring initial;
        try {
            initial = keys.load();
        } catch (IOException e) {
            throw new IOException("cannot read the udp transport's key: " + e.getMessage(), e);
        }
        List<IpAddress> members = plan.peers().stream().map(p -> IpAddress.parse(p.address())).toList();
        SecureRandom nonces = new SecureRandom();
        UdpAuthenticator authenticator = new UdpAuthenticator(IpAddress.of(self), members, initial, rotationWindow,
                () -> ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()), nonces::nextLong, System.nanoTime());
        UdpVrrpSocket socket = UdpVrrpSocket.open(iface, self, plan.udp().port(), new UdpEnvelope(authenticator, listener));
        LOG.infof("%s: udp transport on port %d, keys from %s: %s; signing with %s", plan.pair(), plan.udp().port(),
                keys.describe(), initial.describe(), authenticator.signingKey(System.nanoTime()));
        KeyWatch watch = new KeyWatch(plan.pair(), keys, authenticator, listener);
        scheduler.scheduleWithFixedDelay(watch::check, KEY_CHECK.toNanos(), KEY_CHECK.toNanos(), TimeUnit.NANOSECONDS);
        return socket;
    }

    /** Reads the keys again and hands changes to the authenticator; says once what changed or what went wrong. */
    private static final class KeyWatch {
        private final String pair;
        private final AuthKeySource keys;
        private final UdpAuthenticator authenticator;
        private final ElectionListener listener;
        private AuthKey signing;
        private String lastProblem;

        KeyWatch(String pair, AuthKeySource keys, UdpAuthenticator authenticator, ElectionListener listener) {
            this.pair = pair;
            this.keys = keys;
            this.authenticator = authenticator;
            this.listener = listener;
            this.signing = authenticator.signingKey(System.nanoTime());
        }

        void check() {
            long now = System.nanoTime();
            try {
                Keyring next = keys.load();
                lastProblem = null;
                if (authenticator.updateKeys(next, now)) {
                    LOG.infof("%s: the udp transport's keys changed: accepting %s", pair, next.describe());
                }
            } catch (IOException | RuntimeException e) {
                String problem = "cannot read the udp transport's keys again (" + e.getMessage() + "); keeping "
                        + authenticator.keys().describe();
                if (!problem.equals(lastProblem)) {
                    listener.problem(problem);
                    lastProblem = problem;
                }
            }
            AuthKey current = authenticator.signingKey(now);
            if (!current.equals(signing)) {
                signing = current;
                LOG.infof("%s: the udp transport now signs with %s", pair, current);
            }
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
