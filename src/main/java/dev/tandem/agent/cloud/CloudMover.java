package dev.tandem.agent.cloud;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.RouterState;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Moves the pair's cloud floating addresses to this member when it becomes MASTER, as the seeds' {@code notify_master}
 * scripts did, but without giving up: each address has its own worker that assigns it through the provider (which
 * retries under the FloatingIp's policy) and, when a whole attempt fails, tries again after a pause for as long as
 * this member stays MASTER. A member that steps down stops at once: every mutating call asks the {@link MasterGuard},
 * which reads the state this listener keeps, so a member that lost mastership mid-call never assigns.
 *
 * <p>The election loop calls {@link #transition} on its thread; nothing here blocks it. Workers run on virtual threads.
 */
public final class CloudMover implements ElectionListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger("dev.tandem.agent");

    /** Pause before a new attempt after a permanent error (bad credentials, a wrong id): time for someone to fix it. */
    static final Duration AFTER_PERMANENT = Duration.ofSeconds(60);
    /** Shortest pause before a new attempt after the retries of one ran out. */
    static final Duration MIN_ROUND_PAUSE = Duration.ofSeconds(5);

    /** What the mover needs from its surroundings (Kubernetes or standalone). */
    public interface Environment {
        /** The provider of a cloud address, built with its credentials; cached by the environment. */
        FloatingIpProvider provider(PairPlan.CloudAddress address) throws ProviderException;

        /** This member as the provider knows it (its machine id, or its node name for per-node providers). */
        Member self(PairPlan.CloudAddress address, FloatingIpProvider provider)
                throws ProviderException, InterruptedException;

        /** The provider failed permanently (e.g. 401): drop cached credentials so the next attempt reads them anew. */
        default void invalidate(PairPlan.CloudAddress address) {
        }

        /**
         * Asked before every move: may this MASTER move addresses now? With {@code spec.fencing: lease} the Kubernetes
         * environment takes the pair's Lease; without fencing, and standalone, the election alone decides.
         */
        default FenceDecision confirmLeader() throws InterruptedException {
            return FenceDecision.ALLOWED;
        }

        /** This member left MASTER: give up what {@link #confirmLeader} took, so the next master need not wait. */
        default void resign() {
        }
    }

    /** Pause before asking again while another member holds the fencing token. */
    static final Duration FENCE_RETRY = Duration.ofSeconds(1);

    /** Where progress goes: the member's status report, metrics, the log. Called from worker threads. */
    public interface Progress {
        /** The provider confirmed that this member holds the address, {@code took} after becoming MASTER. */
        void confirmed(PairPlan.CloudAddress address, Duration took);

        /** An attempt failed; {@code message} names the provider and what it said, never a credential. */
        void failed(PairPlan.CloudAddress address, String message);

        /** This member no longer holds or moves {@code floatingIp} (it left MASTER, or the FloatingIp went). */
        void cleared(String floatingIp);
    }

    private final String pair;
    private final Duration afterPermanent;
    private final Duration minRoundPause;
    private final Environment environment;
    private final Progress progress;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("tandem-cloud-", 0).factory());
    private final Map<String, Future<?>> running = new HashMap<>();
    /** Addresses the provider confirmed in this mastership: not moved again when the plan is re-read. */
    private final java.util.Set<String> confirmed = new java.util.HashSet<>();
    private volatile boolean master;
    private volatile long masterSinceNanos;
    private List<PairPlan.CloudAddress> addresses = List.of();

    public CloudMover(String pair, Environment environment, Progress progress) {
        this(pair, environment, progress, AFTER_PERMANENT, MIN_ROUND_PAUSE);
    }

    /** For tests: shorter pauses between attempts. */
    CloudMover(String pair, Environment environment, Progress progress, Duration afterPermanent,
               Duration minRoundPause) {
        this.afterPermanent = afterPermanent;
        this.minRoundPause = minRoundPause;
        this.pair = pair;
        this.environment = environment;
        this.progress = progress;
    }

    /** The pair's cloud addresses changed (or were first known): start, stop or restart their workers as needed. */
    public synchronized void plan(List<PairPlan.CloudAddress> next) {
        Map<String, PairPlan.CloudAddress> byName = new HashMap<>();
        next.forEach(a -> byName.put(a.floatingIp(), a));
        for (PairPlan.CloudAddress old : addresses) {
            PairPlan.CloudAddress now = byName.get(old.floatingIp());
            if (now == null || !sameAddress(old, now)) {
                stop(old.floatingIp());
                confirmed.remove(old.floatingIp());
            }
        }
        List<PairPlan.CloudAddress> added = next.stream()
                .filter(a -> addresses.stream().noneMatch(o -> sameAddress(o, a))).toList();
        addresses = List.copyOf(next);
        if (master) {
            addresses.forEach(this::start);
        } else {
            added.forEach(this::prepare);
        }
    }

    /**
     * Reads the credentials and learns this machine's id now, so that a failover does not wait for the API server or
     * the metadata service; what fails here is tried again, and reported, by the move itself.
     */
    private void prepare(PairPlan.CloudAddress a) {
        try {
            workers.execute(() -> {
                try {
                    environment.self(a, environment.provider(a));
                } catch (ProviderException e) {
                    LOG.warnf("%s: FloatingIp %s (%s) cannot be moved here yet: %s", pair, a.floatingIp(), a.provider(),
                            e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.warnf("%s: preparing FloatingIp %s failed: %s", pair, a.floatingIp(), e);
                }
            });
        } catch (RejectedExecutionException closing) {
            // closed
        }
    }

    @Override
    public void transition(Action.Transition t, long takeoverMillis) {
        boolean nowMaster = t.to() == RouterState.MASTER;
        if (nowMaster) {
            masterSinceNanos = System.nanoTime();
        }
        master = nowMaster; // the guard reads it: a worker's next mutating call sees it before anything else
        try {
            workers.execute(() -> follow(nowMaster));
        } catch (RejectedExecutionException closing) {
            // closed: nothing to move any more
        }
    }

    private synchronized void follow(boolean nowMaster) {
        if (nowMaster != master) {
            return; // superseded by a later transition
        }
        // Workers of an earlier mastership end at their guard's next look; new ones start for this one.
        running.values().forEach(f -> f.cancel(true));
        running.clear();
        confirmed.clear();
        if (nowMaster) {
            addresses.forEach(this::start);
        } else {
            addresses.forEach(a -> progress.cleared(a.floatingIp()));
            environment.resign();
        }
    }

    public boolean isMaster() {
        return master;
    }

    private void start(PairPlan.CloudAddress a) {
        if (confirmed.contains(a.floatingIp())) {
            return;
        }
        Future<?> f = running.get(a.floatingIp());
        if (f != null && !f.isDone()) {
            return;
        }
        try {
            running.put(a.floatingIp(), workers.submit(() -> move(a)));
        } catch (RejectedExecutionException closing) {
            // closed
        }
    }

    private void stop(String floatingIp) {
        Future<?> f = running.remove(floatingIp);
        if (f != null) {
            f.cancel(true);
        }
        progress.cleared(floatingIp);
    }

    /** One address's worker: assign until the provider confirms, this member steps down or the worker is stopped. */
    private void move(PairPlan.CloudAddress a) {
        long since = masterSinceNanos;
        MasterGuard guard = () -> master && masterSinceNanos == since && !Thread.currentThread().isInterrupted();
        while (guard.stillMaster()) {
            Duration pause;
            try {
                if (!fenced(a, guard)) {
                    return;
                }
                FloatingIpProvider provider = environment.provider(a);
                Member self = environment.self(a, provider);
                provider.assign(self, guard);
                Duration took = Duration.ofNanos(System.nanoTime() - since);
                synchronized (this) {
                    if (!guard.stillMaster()) {
                        return; // stepped down as the provider answered: the new master reports its own move
                    }
                    confirmed.add(a.floatingIp());
                }
                LOG.infof("%s: %s (%s) assigned to this member (%s) %d ms after it became MASTER", pair, a.address(),
                        a.provider(), self.hasMachineId() ? self.machineId() : self.node(), took.toMillis());
                progress.confirmed(a, took);
                return;
            } catch (ProviderException e) {
                if (e.kind() == ProviderException.Kind.STEPPED_DOWN) {
                    LOG.infof("%s: stopped moving %s: this member is no longer MASTER", pair, a.address());
                    return;
                }
                boolean permanent = e.kind() == ProviderException.Kind.PERMANENT;
                if (permanent) {
                    environment.invalidate(a);
                }
                pause = permanent ? afterPermanent : roundPause(a);
                LOG.warnf("%s: moving %s to this member failed: %s; trying again in %d s", pair, a.address(),
                        e.getMessage(), pause.toSeconds());
                progress.failed(a, e.getMessage());
            } catch (InterruptedException e) {
                return; // stopped
            } catch (RuntimeException e) {
                pause = afterPermanent;
                LOG.errorf(e, "%s: moving %s failed unexpectedly; trying again in %d s", pair, a.address(),
                        pause.toSeconds());
                progress.failed(a, a.provider() + ": unexpected error: " + e);
            }
            try {
                TimeUnit.NANOSECONDS.sleep(pause.toNanos());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Waits while another member holds the fencing token; returns false when this member stopped being MASTER
     * meanwhile. An unreachable token is no reason to wait: the election has already chosen this member.
     */
    private boolean fenced(PairPlan.CloudAddress a, MasterGuard guard) throws InterruptedException {
        String said = null;
        while (guard.stillMaster()) {
            FenceDecision d = environment.confirmLeader();
            switch (d) {
                case FenceDecision.Allowed ok -> {
                    return true;
                }
                case FenceDecision.Unreachable u -> {
                    LOG.warnf("%s: moving %s without the fencing Lease: %s", pair, a.address(), u.reason());
                    return true;
                }
                case FenceDecision.Held h -> {
                    String note = h.holder();
                    if (!note.equals(said)) {
                        LOG.warnf("%s: not moving %s: member %s holds the fencing Lease (until %s) and so believes"
                                + " it is MASTER too; waiting for it to let go", pair, a.address(), h.holder(), h.until());
                        said = note;
                    }
                }
            }
            TimeUnit.NANOSECONDS.sleep(FENCE_RETRY.toNanos());
        }
        return false;
    }

    private Duration roundPause(PairPlan.CloudAddress a) {
        Duration max = dev.tandem.provider.RetryPolicy.from(a.spec().retry).maxBackoff().multipliedBy(2);
        return max.compareTo(minRoundPause) < 0 ? minRoundPause : max;
    }

    private static boolean sameAddress(PairPlan.CloudAddress a, PairPlan.CloudAddress b) {
        return Objects.equals(a.address(), b.address()) && Objects.equals(a.provider(), b.provider())
                && io.fabric8.kubernetes.client.utils.Serialization.asJson(a.spec())
                .equals(io.fabric8.kubernetes.client.utils.Serialization.asJson(b.spec()));
    }

    /** Stops every worker (they make no further call) and waits up to {@code timeout} for them to end. */
    public void close(Duration timeout) {
        master = false;
        synchronized (this) {
            List.copyOf(running.keySet()).forEach(f -> {
                Future<?> fu = running.remove(f);
                if (fu != null) fu.cancel(true);
            });
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
