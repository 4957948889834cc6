package dev.tandem.agent.kubernetes;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.Tandem;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.RouterState;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One Kubernetes Event on the pair per transition of this member, for {@code kubectl describe failoverpair}: reason
 * the transition's reason (MasterDown, Preempted, ...), Warning for FAULT and Normal otherwise, source
 * {@value #COMPONENT} on this node. Events are a courtesy: one that cannot be recorded is logged (rate-limited) and
 * dropped, and while the API server is away at most {@value #MAX_PENDING} wait.
 */
final class TransitionEvents {
    static final String COMPONENT = "tandem-agent";
    static final int MAX_PENDING = 64;

    private final AgentApi api;
    private final String namespace;
    private final String pairName;
    private final String node;
    private final Supplier<Optional<FailoverPair>> pair;
    private final Clock clock;
    private final RateLimitedWarning warning;
    private final AtomicInteger pending = new AtomicInteger();

    TransitionEvents(AgentApi api, String namespace, String pairName, String node,
                     Supplier<Optional<FailoverPair>> pair, Clock clock, AgentTimings timings) {
        this.api = api;
        this.namespace = namespace;
        this.pairName = pairName;
        this.node = node;
        this.pair = pair;
        this.clock = clock;
        this.warning = new RateLimitedWarning(timings.warnEvery());
    }

    /** Queues the Event of a transition; returns at once (called on the election thread). */
    void transition(Action.Transition t, long takeoverMillis) {
        Instant at = clock.instant();
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            warning.failed("dropped the Event of " + node + " becoming " + t.to() + ": " + MAX_PENDING
                    + " Events already wait for the API server");
            return;
        }
        try {
            api.executor().execute(() -> {
                pending.decrementAndGet();
                record(t, takeoverMillis, at);
            });
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet(); // stopping
        }
    }

    private void record(Action.Transition t, long takeoverMillis, Instant at) {
        try {
            api.recordEvent(event(t, takeoverMillis, at));
            warning.succeeded("recorded Events on FailoverPair " + namespace + "/" + pairName + " again");
        } catch (RuntimeException e) {
            warning.failed("cannot record the Event of " + node + " becoming " + t.to() + " on FailoverPair "
                    + namespace + "/" + pairName + ": " + StatusReporter.describe(e));
        }
    }

    Event event(Action.Transition t, long takeoverMillis, Instant at) {
        String time = at.truncatedTo(ChronoUnit.SECONDS).toString();
        String uid = pair.get().map(p -> p.getMetadata().getUid()).orElse(null);
        return new EventBuilder()
                .withNewMetadata()
                    .withName(pairName + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE))
                    .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(Tandem.API_VERSION)
                        .withKind("FailoverPair")
                        .withName(pairName)
                        .withNamespace(namespace)
                        .withUid(uid)
                        .build())
                .withType(t.to() == RouterState.FAULT ? "Warning" : "Normal")
                .withReason(t.reason().label())
                .withMessage(message(node, t, takeoverMillis))
                .withNewSource().withComponent(COMPONENT).withHost(node).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(node)
                .withFirstTimestamp(time)
                .withLastTimestamp(time)
                .withCount(1)
                .build();
    }

    /** e.g. {@code lb-1 became MASTER (MasterDown, took over 180 ms after the last advert)}. */
    static String message(String node, Action.Transition t, long takeoverMillis) {
        String why = t.reason().label();
        return switch (t) {
            case Action.BecomeMaster m -> node + " became MASTER (" + why
                    + (takeoverMillis >= 0 ? ", took over " + takeoverMillis + " ms after the last advert" : "") + ")";
            case Action.BecomeBackup b -> node + " became BACKUP (" + why + ")";
            case Action.EnterFault f -> node + " entered FAULT (" + why
                    + (f.detail() == null || f.detail().isBlank() ? "" : ": " + f.detail()) + ")";
            case Action.Stop s -> node + " left the election (" + why + ")";
        };
    }
}
