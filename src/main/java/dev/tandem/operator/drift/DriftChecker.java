package dev.tandem.operator.drift;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.FloatingIpStatus.DriftRepair;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.operator.EventRecorder;
import dev.tandem.operator.OperatorConfig;
import dev.tandem.operator.OperatorMetrics;
import dev.tandem.operator.status.ProviderCheck;
import dev.tandem.operator.status.ProviderCheck.Reason;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.Providers;
import dev.tandem.provider.Retrier;
import io.fabric8.kubernetes.api.model.Secret;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks the cloud FloatingIps against their providers, every {@code driftCheckInterval} and whenever what a check
 * depends on changed (the spec, the credentials Secret, the active member or since when it is MASTER). Checks run on a
 * few threads of their own, at most one at a time per FloatingIp; the reconciler asks {@link #poll} at every
 * reconcile, which starts a check when one is due and returns the latest result, and a finished check asks for a
 * reconcile to show it.
 */
@ApplicationScoped
public class DriftChecker {
    private static final Logger LOG = Logger.getLogger(DriftChecker.class);
    /** Check threads; a check is one or two short reads unless the provider is slow or out. */
    static final int THREADS = 4;
    /** Checks of one FloatingIp start at least this far apart, however often the pair changes. */
    static final Duration MIN_GAP = Duration.ofSeconds(1);

    @Inject
    OperatorConfig config;
    @Inject
    OperatorMetrics metrics;
    @Inject
    EventRecorder events;
    @Inject
    Clock clock;

    /** The latest check of a FloatingIp and when to look again. */
    public record Poll(ProviderCheck latest, Duration nextCheckIn) {
    }

    /** What a check looked at: when any of it changes, the check is out of date. */
    private record Inputs(Long generation, String secretVersion, String activeMember, String activeSince) {
        static Inputs of(FloatingIp fip, Secret secret, FailoverPair pair) {
            String active = pair == null || pair.getStatus() == null ? null : pair.getStatus().activeMember;
            MemberStatus report = active == null || pair.getStatus().members == null ? null
                    : pair.getStatus().members.get(active);
            return new Inputs(fip.getMetadata().getGeneration(),
                    secret == null ? null : secret.getMetadata().getResourceVersion(), active,
                    report == null ? null : report.since);
        }
    }

    /** One FloatingIp's checks; guarded by its own monitor. */
    private static final class Tracked {
        Future<?> running;
        Instant startedAt;
        Inputs inputs;
        ProviderCheck latest;
        Instant recheckAt;
        DriftRepair lastRepair;
        boolean forgotten;
    }

    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final ProviderErrorEvents errorEvents = new ProviderErrorEvents();
    private ProviderCache providers;
    private ExecutorService executor;
    private DriftCheck check;

    @PostConstruct
    void start() {
        providers = new ProviderCache((spec, credentials, policy) -> Providers.create(spec, credentials,
                new ProviderContext(spec.address, new Retrier(policy), metrics::providerCall, clock)));
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "tandem-drift-check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        check = new DriftCheck(providers, errorEvents, events, metrics, clock, config.driftGrace(),
                config.memberStaleAfter());
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
        providers.close();
    }

    /**
     * Starts a check of {@code request}'s FloatingIp when one is due, and returns the latest result (null before the
     * first one finished) and how soon the reconciler should come back.
     */
    public Poll poll(CheckRequest request) {
        Tracked t = tracked.computeIfAbsent(request.uid(), uid -> new Tracked());
        Instant now = clock.instant();
        // A zero interval must not make the reconciler spin while a check runs.
        Duration interval = max(config.driftCheckInterval(), MIN_GAP);
        synchronized (t) {
            t.forgotten = false;
            if (t.running != null) {
                return new Poll(latest(t), interval);
            }
            Inputs inputs = Inputs.of(request.floatingIp(), request.secret(), request.pair().get().orElse(null));
            boolean due = t.latest == null || !inputs.equals(t.inputs) || !now.isBefore(t.recheckAt);
            if (!due) {
                return new Poll(latest(t), Duration.between(now, t.recheckAt));
            }
            if (t.startedAt != null && now.isBefore(t.startedAt.plus(MIN_GAP))) {
                return new Poll(latest(t), Duration.between(now, t.startedAt.plus(MIN_GAP)));
            }
            try {
                t.startedAt = now;
                t.running = executor.submit(() -> run(request, t));
            } catch (RejectedExecutionException e) {
                // shutting down
                t.running = null;
            }
            return new Poll(latest(t), interval);
        }
    }

    /**
     * Stops checking the FloatingIp with this uid and closes its providers (deleted, or no longer a cloud one). Called
     * from the FloatingIp's reconcile, like {@link #poll}, so the two never race for one FloatingIp; a check still
     * running finishes first and then closes them.
     */
    public void forget(String uid) {
        errorEvents.forget(uid);
        Tracked t = tracked.get(uid);
        if (t == null) {
            providers.forget(uid);
            return;
        }
        synchronized (t) {
            if (t.running == null) {
                tracked.remove(uid, t);
                providers.forget(uid);
            } else {
                t.forgotten = true;
            }
        }
    }

    /** Whether a provider is built and cached for the FloatingIp with this uid (layer2 ones never have one). */
    public boolean holdsProvider(String uid) {
        return providers.holds(uid);
    }

    private void run(CheckRequest request, Tracked t) {
        FailoverPair pair = request.pair().get().orElse(null);
        Inputs inputs = Inputs.of(request.floatingIp(), request.secret(), pair);
        DriftCheck.Result result;
        try {
            result = check.run(request, pair, repairing -> {
                synchronized (t) {
                    t.latest = repairing;
                }
                notifyDone(request);
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = DriftCheck.Result.of(ProviderCheck.of(Reason.Unknown, "the check was interrupted"));
        } catch (RuntimeException e) {
            LOG.errorf(e, "checking FloatingIp %s/%s failed", request.floatingIp().getMetadata().getNamespace(),
                    request.floatingIp().getMetadata().getName());
            result = DriftCheck.Result.of(ProviderCheck.of(Reason.Unknown, "the check failed: " + e));
        }
        synchronized (t) {
            if (result.repair() != null) {
                t.lastRepair = result.repair();
            }
            t.latest = result.check();
            t.inputs = inputs;
            Instant now = clock.instant();
            t.recheckAt = now.plus(result.recheckSoon() ? MIN_GAP : max(config.driftCheckInterval(), MIN_GAP));
            t.running = null;
            if (t.forgotten) {
                tracked.remove(request.uid(), t);
                providers.forget(request.uid());
                return;
            }
        }
        notifyDone(request);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static ProviderCheck latest(Tracked t) {
        return t.latest == null ? null : t.latest.withLastRepair(t.lastRepair);
    }

    private static void notifyDone(CheckRequest request) {
        try {
            request.done().run();
        } catch (RuntimeException e) {
            LOG.debugf("could not ask for a reconcile of %s: %s", request.floatingIp().getMetadata().getName(),
                    Objects.toString(e.getMessage()));
        }
    }
}
