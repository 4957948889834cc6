package dev.tandem.agent.kubernetes;

import dev.tandem.agent.cloud.FenceDecision;
import dev.tandem.api.v1alpha1.Tandem;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fencing token of {@code spec.fencing: lease}: the pair's coordination Lease, which a MASTER takes before it moves
 * a cloud FloatingIp, renews while it stays MASTER and clears when it steps down. It is taken over only once its holder
 * has not renewed it for its duration, as Kubernetes' own leader election does; so two members that both believe they
 * are MASTER (a partition between them) never both move the address. Every call has a short deadline: an API server
 * that does not answer makes the decision {@link FenceDecision.Unreachable}, and the election alone decides.
 */
final class LeaseFence implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("dev.tandem.agent");
    static final Duration DURATION = Duration.ofSeconds(10);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String node;
    private final Duration duration;
    private final Clock clock;
    private final ExecutorService calls = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("tandem-fence-", 0).factory());
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tandem-fence-renew").factory());
    // Guarded by this.
    private boolean held;
    private ScheduledFuture<?> renewal;

    LeaseFence(KubernetesClient client, String namespace, String pair, String node) {
        this(client, namespace, pair, node, DURATION, Clock.systemUTC());
    }

    LeaseFence(KubernetesClient client, String namespace, String pair, String node, Duration duration, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.name = Tandem.fenceLeaseName(pair);
        this.node = node;
        this.duration = duration;
        this.clock = clock;
    }

    /** Takes or renews the Lease for this member; renews it from now on until {@link #release()}. */
    synchronized FenceDecision confirm() throws InterruptedException {
        FenceDecision d = call(this::takeOrRenew);
        if (d instanceof FenceDecision.Allowed && !held) {
            held = true;
            long every = Math.max(1, duration.toMillis() / 4);
            renewal = renewals.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        }
        return d;
    }

    private void renew() {
        try {
            synchronized (this) {
                if (held && call(this::takeOrRenew) instanceof FenceDecision.Held h) {
                    // Someone took it after we failed to renew for a whole duration: stop claiming it.
                    LOG.warnf("the fencing Lease %s/%s went to %s", namespace, name, h.holder());
                    stopRenewing();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Clears the holder if it is this member, so the next master takes the Lease at once. */
    synchronized void release() {
        if (!held) {
            return;
        }
        stopRenewing();
        try {
            call(() -> {
                Lease lease = client.leases().inNamespace(namespace).withName(name).get();
                if (lease != null && lease.getSpec() != null && node.equals(lease.getSpec().getHolderIdentity())) {
                    lease.getSpec().setHolderIdentity(null);
                    client.leases().inNamespace(namespace).resource(lease).update();
                }
                return FenceDecision.ALLOWED;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopRenewing() {
        held = false;
        if (renewal != null) {
            renewal.cancel(false);
            renewal = null;
        }
    }

    private FenceDecision takeOrRenew() {
        Instant now = clock.instant();
        Lease lease = client.leases().inNamespace(namespace).withName(name).get();
        if (lease == null) {
            client.leases().inNamespace(namespace).resource(new LeaseBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withNewSpec().withHolderIdentity(node).withLeaseDurationSeconds((int) duration.toSeconds())
                    .withAcquireTime(microTime(now)).withRenewTime(microTime(now)).withLeaseTransitions(0).endSpec()
                    .build()).create();
            return FenceDecision.ALLOWED;
        }
        var spec = lease.getSpec();
        String holder = spec.getHolderIdentity();
        if (holder != null && !holder.isEmpty() && !holder.equals(node)) {
            Instant renewed = spec.getRenewTime() == null ? Instant.EPOCH : spec.getRenewTime().toInstant();
            int seconds = spec.getLeaseDurationSeconds() == null ? (int) duration.toSeconds() : spec.getLeaseDurationSeconds();
            Instant until = renewed.plusSeconds(seconds);
            if (until.isAfter(now)) {
                return new FenceDecision.Held(holder, until);
            }
        }
        if (!node.equals(holder)) {
            spec.setHolderIdentity(node);
            spec.setAcquireTime(microTime(now));
            spec.setLeaseTransitions(spec.getLeaseTransitions() == null ? 1 : spec.getLeaseTransitions() + 1);
        }
        spec.setLeaseDurationSeconds((int) duration.toSeconds());
        spec.setRenewTime(microTime(now));
        // Carries the resourceVersion read: a member that took it meanwhile makes this a 409, decided on the next ask.
        client.leases().inNamespace(namespace).resource(lease).update();
        return FenceDecision.ALLOWED;
    }

    /** Runs one API interaction with a deadline; what fails becomes a decision, never an exception. */
    private FenceDecision call(Callable<FenceDecision> interaction) throws InterruptedException {
        Future<FenceDecision> f = calls.submit(interaction);
        try {
            return f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return new FenceDecision.Unreachable("the API server did not answer within " + CALL_TIMEOUT.toMillis()
                    + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KubernetesClientException k && k.getCode() == 409) {
                return new FenceDecision.Held("another member (it changed the Lease just now)", clock.instant()
                        .plus(duration));
            }
            return new FenceDecision.Unreachable("cannot use the Lease " + namespace + "/" + name + ": "
                    + StatusReporter.describe(cause));
        }
    }

    static ZonedDateTime microTime(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC);
    }

    @Override
    public void close() {
        synchronized (this) {
            stopRenewing();
        }
        renewals.shutdownNow();
        calls.shutdownNow();
    }
}
