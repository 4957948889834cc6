package dev.tandem.agent.election;

import dev.tandem.agent.PairPlan;
import dev.tandem.net.AddressInstaller;
import dev.tandem.net.Announcer;
import dev.tandem.net.VrrpSocket;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.Advert;
import dev.tandem.vrrp.AdvertCodec;
import dev.tandem.vrrp.DecodeResult;
import dev.tandem.vrrp.IpAddress;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterConfig;
import dev.tandem.vrrp.RouterState;
import dev.tandem.vrrp.VirtualRouter;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Drives one {@link VirtualRouter} on the wire: a single platform thread that waits for an advert or the next timer,
 * feeds the router, and carries out its actions (send adverts, install or remove addresses, announce them). Nothing
 * here waits for the Kubernetes API: listeners get their callbacks on this thread and must hand slow work elsewhere.
 *
 * <p>Other threads talk to the loop only through {@link #submit}: health results and shutdown are queued and run
 * between two waits, so the router is only ever touched by one thread.
 */
public final class ElectionLoop implements Runnable {
    /**
     * How often the election interface's carrier is checked when no link notification came. A member whose cable is
     * cut cannot hear that it lost mastership; going to FAULT at once (as keepalived does on carrier loss) means it
     * releases the addresses and, when the cable returns, comes back through BACKUP and announces again if it wins,
     * instead of staying a silent MASTER while clients still point at the member that took over meanwhile. The fast
     * path is {@link #carrierChanged()}, called on the kernel's link notification; this check is the safety net for a
     * lost notification.
     */
    static final Duration CARRIER_CHECK = Duration.ofSeconds(1);
    /**
     * Make-before-break on a graceful stop: a leaving master keeps its addresses until it hears the new master's first
     * advert (which follows the new master's gratuitous ARP by microseconds), but no longer than this.
     */
    static final Duration HANDOVER_LIMIT = Duration.ofSeconds(1);
    /** How long a leaving master still answers after its successor's first advert. */
    static final Duration HANDOVER_GRACE = Duration.ofMillis(20);

    private final PairPlan plan;
    private final VirtualRouter router;
    private final VrrpSocket socket;
    private final AddressInstaller installer;
    private final CarrierProbe carrier;
    private long lastCarrierCheckNanos = Long.MIN_VALUE;
    private boolean carrierLost;
    private final Announcer announcer;
    private final ScheduledExecutorService scheduler;
    // Replaced together, on the loop thread only, when the pair's FloatingIps change (replaceAddresses).
    private AddressSet addresses;
    private Announcements announcements;
    private final ElectionListener listener;
    private final IpAddress self;
    private final List<IpAddress> peers;
    private final IpAddress group;
    private final ConcurrentLinkedQueue<LongFunction<List<Action>>> inbox = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final byte[] buffer = new byte[VrrpSocket.MAX_PACKET_SIZE];
    private volatile boolean running = true;
    /** While leaving as master: until when the addresses are kept for the successor; Long.MIN_VALUE otherwise. */
    private long handOverUntilNanos = Long.MIN_VALUE;
    private long lastAdvertFromMasterNanos = Long.MIN_VALUE;
    private long lastRivalAnnounceNanos = Long.MIN_VALUE;

    /** Reports whether an interface has a carrier; the agent's is {@code AddressTable::hasCarrier}. */
    @FunctionalInterface
    public interface CarrierProbe {
        boolean hasCarrier(String interfaceName) throws IOException;
    }

    public ElectionLoop(PairPlan plan, VrrpSocket socket, AddressInstaller installer, Announcer announcer,
                        ScheduledExecutorService scheduler, ElectionListener listener, CarrierProbe carrier) {
        this(plan, socket, installer, announcer, scheduler, listener, carrier, IpAddress.parse(plan.selfAddress()));
    }

    /**
     * @param primary the address the socket sends from, which breaks priority ties (RFC 5798 §6.4.3): the member's
     *                address, or for IPv6 multicast the interface's link-local address
     */
    public ElectionLoop(PairPlan plan, VrrpSocket socket, AddressInstaller installer, Announcer announcer,
                        ScheduledExecutorService scheduler, ElectionListener listener, CarrierProbe carrier,
                        IpAddress primary) {
        this.carrier = carrier;
        this.plan = plan;
        this.socket = socket;
        this.listener = listener;
        this.self = primary;
        this.peers = plan.peers().stream().map(p -> IpAddress.parse(p.address())).toList();
        this.group = IpAddress.of(self.isV4() ? VrrpSocket.ipv4Group() : VrrpSocket.ipv6Group());
        this.installer = installer;
        this.announcer = announcer;
        this.scheduler = scheduler;
        this.addresses = new AddressSet(plan.addresses(), socket.interfaceName(), installer);
        this.announcements = new Announcements(addresses, announcer, scheduler, listener);
        List<IpAddress> virtual = plan.addresses().stream()
                .map(a -> IpAddress.parse(a.address()))
                .filter(a -> a.isV4() == self.isV4())
                .toList();
        this.router = new VirtualRouter(new RouterConfig(plan.virtualRouterId(), plan.priority(),
                plan.advertIntervalCentis(), plan.preempt(), plan.preemptDelay().toNanos(), self,
                virtual.isEmpty() ? List.of(self) : virtual));
    }

    /** Removes this pair's addresses that a killed predecessor left on the interfaces; returns what it removed. */
    public List<String> removeLeftovers() throws IOException {
        return addresses.removeLeftovers();
    }

    /** Queues work for the loop thread: a function of the current time that returns the router's actions. */
    public void submit(LongFunction<List<Action>> input) {
        inbox.add(input);
        try {
            socket.wakeup();
        } catch (IOException closed) {
            // the loop is gone or going; nothing will read the queue
        }
    }

    /** The kernel announced a change of the election interface: look at its carrier now. */
    public void carrierChanged() {
        submit(this::carrierActions);
    }

    /**
     * The pair's floating addresses changed (a FloatingIp was added, changed or deleted) but nothing about the election
     * did: swap the addresses without a new election. A master installs the new ones at once, announces them and
     * removes those that went; a backup holds none anyway. (The adverts keep listing the addresses the router started
     * with; RFC 5798 §6.4.2 lets a peer only count such a mismatch.)
     */
    public void replaceAddresses(List<PairPlan.Layer2Address> next) {
        submit(now -> {
            AddressSet old = addresses;
            announcements.cancel();
            addresses = new AddressSet(next, socket.interfaceName(), installer);
            announcements = new Announcements(addresses, announcer, scheduler, listener);
            if (router.state() != RouterState.MASTER) {
                return List.of();
            }
            try {
                addresses.installAll();
            } catch (IOException e) {
                listener.problem(e.getMessage());
                return router.enterFault(Reason.INTERFACE_DOWN, e.getMessage(), now);
            }
            old.removeAllExcept(addresses).forEach(listener::problem);
            announcements.start();
            return List.of();
        });
    }

    /** Health changed: a new effective priority, or a fault (see {@link dev.tandem.vrrp.HealthVerdict}). */
    public void health(dev.tandem.vrrp.HealthVerdict verdict) {
        submit(now -> {
            if (verdict.isFault()) {
                return router.enterFault(Reason.HEALTH_CHECK_FAILED, verdict.describe(), now);
            }
            List<Action> actions = new java.util.ArrayList<>(router.leaveFault(Reason.HEALTH_CHECK_FAILED, now));
            actions.addAll(router.setEffectivePriority(Math.max(1, verdict.effectivePriority()), now));
            return actions;
        });
    }

    /**
     * Leaves the election gracefully: a master sends priority 0 so that a backup takes over after only its skew time
     * (RFC 5798 §6.4.3), and the addresses are removed. Waits at most {@code timeout} for the loop to finish.
     */
    public boolean stop(Duration timeout) throws InterruptedException {
        submit(now -> {
            boolean wasMaster = router.state() == RouterState.MASTER;
            List<Action> actions = router.shutdown(now);
            if (wasMaster) {
                handOverUntilNanos = now + HANDOVER_LIMIT.toNanos();
            }
            running = false;
            return actions;
        });
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public String interfaceName() {
        return socket.interfaceName();
    }

    public RouterState state() {
        return router.state();
    }

    public VirtualRouter router() {
        return router;
    }

    @Override
    public void run() {
        try {
            rehearseTakeover();
            perform(router.start(System.nanoTime()), System.nanoTime());
            while (running || !inbox.isEmpty()) {
                drainInbox();
                if (!running) {
                    break;
                }
                long now = System.nanoTime();
                // Sleep until a timer, a packet, the carrier safety check or submit() wakes the loop: no polling.
                long waitNanos = lastCarrierCheckNanos == Long.MIN_VALUE ? 0
                        : lastCarrierCheckNanos + CARRIER_CHECK.toNanos() - now;
                OptionalLong deadline = router.nextDeadlineNanos();
                if (deadline.isPresent()) {
                    waitNanos = Math.min(waitNanos, deadline.getAsLong() - now);
                }
                waitNanos = Math.max(0, waitNanos);
                int n = waitNanos == 0 ? -1 : socket.receive(buffer, Duration.ofNanos(waitNanos));
                now = System.nanoTime();
                if (n > 0) {
                    receive(n, now);
                }
                OptionalLong due = router.nextDeadlineNanos();
                if (due.isPresent() && due.getAsLong() - now <= 0) {
                    boolean backup = router.state() == RouterState.BACKUP;
                    List<Action> actions = router.onTick(now);
                    if (backup && router.state() == RouterState.MASTER) {
                        listener.masterDownTimerExpired();
                    }
                    perform(actions, now);
                }
                checkCarrier(now);
            }
            drainInbox();
            awaitSuccessor();
        } catch (ClosedChannelException e) {
            listener.problem("the VRRP socket on " + socket.interfaceName() + " was closed; the election stopped");
            releaseQuietly();
        } catch (IOException | RuntimeException e) {
            listener.problem("the election loop stopped: " + e);
            releaseQuietly();
        } finally {
            announcements.cancel();
            stopped.countDown();
        }
    }

    private void checkCarrier(long now) {
        if (lastCarrierCheckNanos != Long.MIN_VALUE && now - lastCarrierCheckNanos < CARRIER_CHECK.toNanos()) {
            return;
        }
        perform(carrierActions(now), now);
    }

    private List<Action> carrierActions(long now) {
        lastCarrierCheckNanos = now;
        boolean up;
        try {
            up = carrier.hasCarrier(socket.interfaceName());
        } catch (IOException e) {
            up = false;
        }
        if (!up && !carrierLost) {
            carrierLost = true;
            return router.enterFault(Reason.INTERFACE_DOWN, socket.interfaceName() + " has no carrier", now);
        } else if (up && carrierLost) {
            carrierLost = false;
            return router.leaveFault(Reason.INTERFACE_DOWN, now);
        }
        return List.of();
    }

    /** After a graceful stop as master: answer for the addresses until a successor advertises, then let go. */
    private void awaitSuccessor() throws IOException {
        if (handOverUntilNanos == Long.MIN_VALUE) {
            return;
        }
        while (true) {
            long now = System.nanoTime();
            long left = handOverUntilNanos - now;
            if (left <= 0) {
                listener.problem("no member took over within " + HANDOVER_LIMIT.toMillis() + " ms of this one leaving;"
                        + " releasing the addresses anyway");
                break;
            }
            int n = socket.receive(buffer, Duration.ofNanos(left));
            if (n > 0 && isSuccessorAdvert(n)) {
                // The successor announced the addresses just before this advert; give the clients' ARP caches a
                // moment to take it before this member stops answering.
                LockSupport.parkNanos(HANDOVER_GRACE.toNanos());
                break;
            }
        }
        announcements.cancel();
        addresses.removeAll().forEach(listener::problem);
    }

    private boolean isSuccessorAdvert(int length) {
        return decode(length) instanceof DecodeResult.Accepted a && a.advert().vrid() == plan.virtualRouterId()
                && a.advert().priority() > 0 && !a.source().equals(self);
    }

    private void drainInbox() {
        LongFunction<List<Action>> input;
        while ((input = inbox.poll()) != null) {
            long now = System.nanoTime();
            perform(input.apply(now), now);
        }
    }

    private void receive(int length, long now) {
        switch (decode(length)) {
            case DecodeResult.Rejected r -> listener.advertRejected(r.reason(), r.message());
            case DecodeResult.Accepted a -> {
                Advert advert = a.advert();
                if (advert.vrid() != plan.virtualRouterId()) {
                    listener.foreignAdvert(advert.vrid());
                    return;
                }
                if (advert.isV4() != self.isV4() || a.source().equals(self)) {
                    return;
                }
                listener.advertReceived();
                if (advert.priority() > 0) {
                    lastAdvertFromMasterNanos = now;
                }
                boolean wasMaster = router.state() == RouterState.MASTER;
                perform(router.onAdvert(advert, a.source(), now), now);
                if (wasMaster && router.state() == RouterState.MASTER && advert.priority() > 0) {
                    rivalHeard(now);
                }
            }
        }
    }

    /**
     * Another member claims MASTER with a lower priority (a partition healed, or it missed our adverts): it has been
     * answering for the addresses, so clients point at it. Announce again so that they come back at once, as keepalived
     * does with garp_lower_prio_repeat; at most once per Master_Down_Interval, so a flapping rival cannot flood the link.
     */
    private void rivalHeard(long now) {
        if (lastRivalAnnounceNanos != Long.MIN_VALUE && now - lastRivalAnnounceNanos < router.masterDownIntervalNanos()) {
            return;
        }
        lastRivalAnnounceNanos = now;
        announcements.start();
    }

    /**
     * A master that steps down for a better one sends one more advert with the priority it had, as keepalived's
     * {@code vrrp_higher_prio_send_advert} does. After a partition heals, if this member heard the winner first, the
     * winner may never have heard this member claim MASTER, and so would not announce again (see {@link #rivalHeard})
     * while clients still point here. This advert makes sure it hears a rival and moves them back. Other members are
     * unaffected: for a backup it is one more advert of a live router, for the winner a lower-priority master.
     */
    private void lastWords() {
        RouterConfig c = router.config();
        send(Advert.of(c.vrid(), router.effectivePriority(), c.advertIntervalCentis(), c.virtualAddresses()));
    }

    private DecodeResult decode(int length) {
        return self.isV4() ? AdvertCodec.decodeIpv4Packet(buffer, 0, length) : decodeIpv6(length);
    }

    /** The IPv6 socket hands over a rebuilt 40-byte header (hop limit, source, destination) before the message. */
    private DecodeResult decodeIpv6(int length) {
        if (length < 40) {
            return new DecodeResult.Rejected(DecodeResult.RejectReason.TRUNCATED, "IPv6 packet of " + length + " bytes");
        }
        IpAddress src = IpAddress.of(Arrays.copyOfRange(buffer, 8, 24));
        IpAddress dst = IpAddress.of(Arrays.copyOfRange(buffer, 24, 40));
        return AdvertCodec.decodeVrrp(buffer, 40, length - 40, src, dst, buffer[7] & 0xFF);
    }

    private void perform(List<Action> actions, long now) {
        Runnable tellTakeover = null;
        for (Action action : takeoverFirst(actions)) {
            switch (action) {
                case Action.SendAdvert s -> send(s.advert());
                case Action.BecomeMaster m -> tellTakeover = becomeMaster(m, now);
                case Action.Transition t -> {
                    if (t instanceof Action.BecomeBackup b && b.from() == RouterState.MASTER
                            && (b.reason() == Reason.HIGHER_PRIORITY_ADVERT || b.reason() == Reason.HIGHER_ADDRESS_ADVERT)) {
                        lastWords();
                    }
                    announcements.cancel();
                    // A leaving master keeps answering until its successor has announced itself (awaitSuccessor).
                    if (!(t instanceof Action.Stop && handOverUntilNanos != Long.MIN_VALUE)) {
                        addresses.removeAll().forEach(listener::problem);
                    }
                    listener.transition(t, -1);
                }
            }
        }
        if (tellTakeover != null) {
            tellTakeover.run();
        }
    }

    /**
     * On a takeover the router asks for its first advert, then the addresses (RFC 5798 §6.4.2 order). A master that is
     * leaving gracefully lets go of the addresses when it hears that advert, so after a priority-0 advert the addresses
     * and their gratuitous ARP go first here: by the time the old master stops answering, clients have already been
     * told about the new one. After a silent master the RFC order stands: the advert goes out before the milliseconds
     * that installing and announcing take, so that a second backup whose timer runs out a few milliseconds later hears
     * it and stays BACKUP (the lab saw both take over, and the loser's gratuitous ARP cost clients ~60 ms).
     */
    private static List<Action> takeoverFirst(List<Action> actions) {
        if (actions.size() < 2 || actions.stream().noneMatch(a -> a instanceof Action.BecomeMaster m
                && m.reason() == Reason.PRIORITY_ZERO_RECEIVED)) {
            return actions;
        }
        List<Action> ordered = new java.util.ArrayList<>(actions.size());
        actions.stream().filter(a -> a instanceof Action.BecomeMaster).forEach(ordered::add);
        actions.stream().filter(a -> !(a instanceof Action.BecomeMaster)).forEach(ordered::add);
        return ordered;
    }

    /**
     * Installs and announces the addresses; returns the listeners' news of the takeover, to be told once the first
     * advert is out: the listeners (log, metrics, status report) take a few milliseconds on a cold JVM, and another
     * backup whose timer runs out meanwhile would take over too (the lab saw two MASTERs for 17 ms).
     */
    private Runnable becomeMaster(Action.BecomeMaster m, long now) {
        long start = System.nanoTime();
        try {
            addresses.installAll();
        } catch (IOException e) {
            // Without its addresses this member must not stay MASTER: hand over and say why.
            listener.problem(e.getMessage());
            perform(router.enterFault(Reason.INTERFACE_DOWN, e.getMessage(), now), now);
            return null;
        }
        announcements.start();
        long installed = System.nanoTime() - start;
        // configureOnHost addresses of cloud FloatingIps are installed too but never announced: the provider moves them.
        int layer2 = (int) addresses.addresses().stream().filter(a -> a.announceCount() > 0).count();
        boolean afterSilence = m.reason() == Reason.MASTER_DOWN || m.reason() == Reason.PRIORITY_ZERO_RECEIVED;
        long takeover = afterSilence && lastAdvertFromMasterNanos != Long.MIN_VALUE
                ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastAdvertFromMasterNanos) : -1;
        return () -> {
            listener.transition(m, takeover);
            if (layer2 > 0) {
                listener.layer2Installed(layer2, installed);
            }
        };
    }

    /**
     * Runs the code of a takeover once before the election starts, changing nothing and sending nothing: a scratch
     * router with this pair's configuration is driven to MASTER, its first advert encoded and handed to the socket's
     * rehearsal, and each address to the installer's and the announcer's. The JVM loads classes and links call sites
     * on first use; without this an agent that had been BACKUP since it started took 3-7 ms longer over its first
     * takeover than over any later one (`bench/failover --capture`: 3.5 ms from its advert to its gratuitous ARP
     * instead of 0.8 ms), and in a cluster the first takeover is the one that counts.
     */
    private void rehearseTakeover() {
        try {
            VirtualRouter scratch = new VirtualRouter(router.config());
            List<Action> actions = scratch.start(0);
            for (int i = 0; i < 3 && scratch.state() != RouterState.MASTER; i++) {
                OptionalLong next = scratch.nextDeadlineNanos();
                if (next.isEmpty()) {
                    break;
                }
                actions = scratch.onTick(next.getAsLong());
            }
            IpAddress to = plan.multicast() || peers.isEmpty() ? group : peers.getFirst();
            for (Action action : takeoverFirst(actions)) {
                if (action instanceof Action.SendAdvert a) {
                    socket.rehearseSend(AdvertCodec.encode(a.advert(), self, to), to.bytes());
                }
            }
            for (PairPlan.Layer2Address a : addresses.addresses()) {
                byte[] address = AddressSet.bytes(a.address());
                installer.rehearseAdd(addresses.interfaceOf(a), address, a.prefixLength());
                if (a.announceCount() > 0) {
                    announcer.rehearse(addresses.interfaceOf(a), address);
                }
            }
        } catch (IOException | RuntimeException e) {
            listener.problem("the rehearsal of a takeover failed (the election goes on; the first takeover may be a"
                    + " few milliseconds slower): " + e.getMessage());
        }
    }

    private void send(Advert advert) {
        List<IpAddress> destinations = plan.multicast() ? List.of(group) : peers;
        for (IpAddress to : destinations) {
            try {
                socket.send(AdvertCodec.encode(advert, self, to), to.bytes());
            } catch (IOException e) {
                listener.problem("cannot send an advert to " + to + " on " + socket.interfaceName() + ": " + e.getMessage());
            }
        }
        listener.advertSent(advert.priority());
    }

    private void releaseQuietly() {
        announcements.cancel();
        addresses.removeAll().forEach(listener::problem);
    }
}
