package dev.tandem.agent.kubernetes;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.election.AuthKeySource;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Keeps the running election in step with the resources: after each change it rebuilds the plan from what the
 * informers hold, and replaces the election only when the plan really differs. All of it runs on one thread of its
 * own, so plans are applied in order and the informers' threads never wait for an election to stop.
 *
 * <p>While the resources give no usable plan (the operator has not resolved the addresses or the router id yet, a
 * FloatingIp is invalid) a running election keeps its last plan, and the reason is logged once. Only a node that is
 * no longer a member leaves the election.
 */
final class ElectionSupervisor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("dev.tandem.agent");

    private final String namespace;
    private final String pairName;
    private final String node;
    private final Supplier<Optional<FailoverPair>> pair;
    private final Supplier<List<FloatingIp>> floatingIps;
    private final Supplier<Boolean> synced;
    private final ElectionRunner runner;
    private final ElectionListener listener;
    private final MemberReport report;
    private final AgentTimings timings;
    private final java.util.function.Consumer<PairPlan> planned;
    private final java.util.function.Function<PairPlan, AuthKeySource> keysFor;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    // Touched on the supervisor's thread only.
    private PairPlan plan;
    private ElectionRunner.Election running;
    private AuthKeySource runningKeys;
    private String lastNote;
    private ScheduledFuture<?> openRetry;

    ElectionSupervisor(String namespace, String pairName, String node, Supplier<Optional<FailoverPair>> pair,
                       Supplier<List<FloatingIp>> floatingIps, Supplier<Boolean> synced, ElectionRunner runner,
                       ElectionListener listener, MemberReport report, AgentTimings timings,
                       java.util.function.Consumer<PairPlan> planned,
                       java.util.function.Function<PairPlan, AuthKeySource> keysFor) {
        this.planned = planned;
        this.keysFor = keysFor;
        this.namespace = namespace;
        this.pairName = pairName;
        this.node = node;
        this.pair = pair;
        this.floatingIps = floatingIps;
        this.synced = synced;
        this.runner = runner;
        this.listener = listener;
        this.report = report;
        this.timings = timings;
        this.executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("tandem-config-" + pairName).factory());
    }

    /** Something the plan is built from may have changed; returns at once, from any thread. Changes coalesce. */
    void changed() {
        if (queued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    queued.set(false);
                    replan();
                });
            } catch (RejectedExecutionException e) {
                queued.set(false); // stopping
            }
        }
    }

    private void replan() {
        if (!synced.get()) {
            return; // a plan from half-filled caches would restart the election once the rest arrives
        }
        FailoverPair p = pair.get().orElse(null);
        String ref = "FailoverPair " + namespace + "/" + pairName;
        if (p == null) {
            note(ref + " does not exist" + (running != null
                    ? "; the election keeps its last configuration until this agent is stopped" : "; waiting for it"));
            return;
        }
        if (p.getSpec() != null && p.getSpec().members != null && p.getSpec().members.stream()
                .filter(Objects::nonNull).noneMatch(m -> node.equals(m.node))) {
            note("node " + node + " is not a member of " + ref + (running != null ? "; leaving the election" : ""));
            report.stopReporting();
            stopElection();
            return;
        }
        PairPlan next;
        try {
            next = PairPlan.of(p, live(floatingIps.get()), node,
                    p.getStatus() == null || p.getStatus().memberAddresses == null ? Map.of() : p.getStatus().memberAddresses,
                    p.getSpec() != null && p.getSpec().virtualRouterId != null ? p.getSpec().virtualRouterId
                            : p.getStatus() == null ? null : p.getStatus().virtualRouterId);
        } catch (PairPlan.PlanException e) {
            note(ref + " gives this node no plan yet: " + e.getMessage() + (running != null
                    ? "; the election keeps its last configuration" : "; waiting for the next change"));
            return;
        }
        if (running != null) {
            List<String> changed = PlanDifferences.between(plan, next);
            if (changed.isEmpty()) {
                lastNote = null;
                return;
            }
            if (List.of("addresses", "cloudAddresses").containsAll(changed) && running.replaceAddresses(next)) {
                // A FloatingIp came, changed or went: no new election, so no failover and back.
                LOG.infof("%s: the floating addresses changed; updating them without a new election", pairName);
                plan = next;
                planned.accept(next);
                report.addressesChanged(next);
                lastNote = null;
                return;
            }
            LOG.infof("%s: the configuration changed (%s); restarting the election", pairName, String.join(", ", changed));
            stopElection();
        }
        report.electionStarting(next);
        AuthKeySource keys = next.udp() == null ? AuthKeySource.NONE : keysFor.apply(next);
        try {
            running = runner.open(next, listener, keys);
            runningKeys = keys;
            plan = next;
            planned.accept(next);
            lastNote = null;
        } catch (Exception e) {
            closeKeys(keys);
            note("cannot start the election of " + ref + ": " + StatusReporter.describe(e) + "; trying again every "
                    + timings.openRetry().toMillis() + " ms");
            if (openRetry == null || openRetry.isDone()) {
                openRetry = executor.schedule(this::changed, timings.openRetry().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * The FloatingIps the plan is built from, by name: the cache lists them in no fixed order, and another order would
     * make another plan. Those being deleted are left out, so the election releases them at once: the operator's
     * finalizer waits until no member holds them.
     */
    static List<FloatingIp> live(List<FloatingIp> all) {
        return all.stream()
                .filter(f -> f.getMetadata() != null && f.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing(f -> f.getMetadata().getName()))
                .toList();
    }

    private void stopElection() {
        if (running != null) {
            try {
                running.close();
            } catch (RuntimeException e) {
                LOG.warnf("%s: stopping the election failed: %s", pairName, StatusReporter.describe(e));
            }
            running = null;
            plan = null;
            planned.accept(null);
        }
        closeKeys(runningKeys);
        runningKeys = null;
    }

    private static void closeKeys(AuthKeySource keys) {
        if (keys instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debugf("closing the key watch failed: %s", e);
            }
        }
    }

    /** Logs a reason for waiting once, not again until it changes. */
    private void note(String message) {
        if (!message.equals(lastNote)) {
            LOG.info(message);
            lastNote = message;
        }
    }

    /** The plan of the running election, read on the supervisor's thread; empty when none runs. For tests and logs. */
    Optional<PairPlan> plan() {
        try {
            return executor.submit(() -> Optional.ofNullable(plan)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** Stops the election gracefully (hand-over included) and the supervisor's thread. */
    @Override
    public void close() {
        try {
            executor.submit(this::stopElection).get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warnf("%s: the election did not stop cleanly: %s", pairName, e);
        } finally {
            executor.shutdownNow();
        }
    }
}
