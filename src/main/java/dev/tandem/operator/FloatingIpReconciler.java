package dev.tandem.operator;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.FloatingIpStatus;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.operator.drift.CheckRequest;
import dev.tandem.operator.drift.DriftChecker;
import dev.tandem.provider.Providers;
import dev.tandem.operator.status.Blocker;
import dev.tandem.operator.status.FloatingIpObservation;
import dev.tandem.operator.status.FloatingIpStatusAggregator;
import dev.tandem.operator.status.StatusPatch;
import dev.tandem.validation.FloatingIpValidator;
import dev.tandem.validation.IpAddresses;
import dev.tandem.validation.SpecProblem;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles a FloatingIp: validate, check that its pair and credentials exist, and derive holder and phase from the
 * members' reports. For cloud providers it also has the {@link DriftChecker} ask the provider, every
 * {@code driftCheckInterval}, whether the active member's machine holds the address, and repair drift. Its finalizer
 * keeps it until no live member holds the address any more.
 */
@ControllerConfiguration(name = FloatingIpReconciler.NAME, generationAwareEventProcessing = false)
public class FloatingIpReconciler implements Reconciler<FloatingIp>, Cleaner<FloatingIp> {
    public static final String NAME = "floatingip";
    static final List<String> OWNED = List.of("holderNode", "phase", "provider", "lastMove", "moves",
            "lastDriftRepair", "driftRepairs", "conditions", "observedGeneration");
    /** How often a FloatingIp being deleted looks again for the release. */
    static final Duration RELEASE_POLL = Duration.ofSeconds(2);
    /** How often a FloatingIp with a missing reference looks again. */
    static final Duration REFERENCE_POLL = Duration.ofSeconds(3);

    @Inject
    KubernetesClient client;
    @Inject
    OperatorConfig config;
    @Inject
    EventRecorder events;
    @Inject
    ReadinessReport readiness;
    @Inject
    OperatorMetrics metrics;
    @Inject
    Clock clock;
    @Inject
    DriftChecker drift;

    /** The pairs, read again by the repair guard; set when the event sources are prepared. */
    private volatile InformerEventSource<FailoverPair, FloatingIp> pairs;
    /** Reconciles a FloatingIp when a check of its provider finished. */
    private final SimpleInboundEventSource<FloatingIp> checkFinished = new SimpleInboundEventSource<>("drift-check");

    /** What a reconcile found: the observation, and the credentials Secret when it exists. */
    private record Observed(FloatingIpObservation observation, Secret secret) {
    }

    @Override
    public List<EventSource<?, FloatingIp>> prepareEventSources(EventSourceContext<FloatingIp> context) {
        // The pair's status (active member, holders) decides the FloatingIp's status.
        var pairs = new InformerEventSource<>(InformerEventSourceConfiguration.from(FailoverPair.class, FloatingIp.class)
                .withSecondaryToPrimaryMapper(pair -> context.getPrimaryCache().list(pair.getMetadata().getNamespace())
                        .filter(f -> f.getSpec() != null && f.getSpec().failoverPairRef != null
                                && pair.getMetadata().getName().equals(f.getSpec().failoverPairRef.name))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper((FloatingIp fip) -> fip.getSpec() == null || fip.getSpec().failoverPairRef == null
                        || fip.getSpec().failoverPairRef.name == null ? Set.of()
                        : Set.of(new ResourceID(fip.getSpec().failoverPairRef.name, fip.getMetadata().getNamespace())))
                .build(), context);
        this.pairs = pairs;
        return List.of(pairs, checkFinished);
    }

    @Override
    public UpdateControl<FloatingIp> reconcile(FloatingIp fip, Context<FloatingIp> context) {
        Observed observed = observe(fip, context, false);
        FloatingIpObservation observation = observed.observation();
        Duration next = config.resyncInterval();
        if (isCloud(fip) && observation.blockers().isEmpty()) {
            DriftChecker.Poll poll = drift.poll(new CheckRequest(fip, observed.secret(), () -> pair(fip),
                    () -> checkFinished.propagateEvent(ResourceID.fromResource(fip))));
            observation = observation.withProviderCheck(poll.latest());
            next = min(next, poll.nextCheckIn());
        } else {
            // A layer2 FloatingIp never has a provider; a blocked cloud one gives its provider up until it is fixed.
            drift.forget(fip.getMetadata().getUid());
        }
        FloatingIpStatus status = FloatingIpStatusAggregator.aggregate(observation);
        writeStatus(fip, status);
        announce(fip, fip.getStatus(), status);
        // Secrets are not watched (that would mean reading every Secret of the cluster): while one is missing, or
        // another FloatingIp holds the address, look again soon rather than at the next resync.
        boolean waitingForReference = observation.blockers().stream()
                .anyMatch(b -> !Blocker.INVALID_SPEC.equals(b.reason()));
        return UpdateControl.<FloatingIp>noUpdate().rescheduleAfter(waitingForReference ? REFERENCE_POLL : next);
    }

    @Override
    public DeleteControl cleanup(FloatingIp fip, Context<FloatingIp> context) {
        // The agents release the address; the operator checks the provider no more.
        drift.forget(fip.getMetadata().getUid());
        FloatingIpObservation observation = observe(fip, context, true).observation();
        List<String> holders = FloatingIpStatusAggregator.holders(observation);
        if (holders.isEmpty()) {
            metrics.forget(fip);
            events.normal(fip, "Released", "no member holds " + address(fip) + " any more");
            return DeleteControl.defaultDelete();
        }
        // The agents release the address when they see the deletion; wait for them, without blocking a thread.
        writeStatus(fip, FloatingIpStatusAggregator.aggregate(observation));
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(RELEASE_POLL);
    }

    private Observed observe(FloatingIp fip, Context<FloatingIp> context, boolean deleting) {
        List<Blocker> blockers = new ArrayList<>();
        FailoverPair pair = context.getSecondaryResource(FailoverPair.class).orElse(null);
        List<SpecProblem> problems = FloatingIpValidator.validate(fip.getSpec());
        Secret secret = null;
        if (!problems.isEmpty()) {
            blockers.add(Blocker.invalidSpec(problems));
        } else if (!deleting) {
            secret = checkReferences(fip, pair, blockers);
            checkAddressConflict(fip, context, blockers);
        }
        return new Observed(new FloatingIpObservation(fip.getMetadata().getName(), fip.getSpec(),
                fip.getMetadata().getGeneration(), fip.getStatus(), blockers, pair, deleting, clock.instant(),
                config.memberStaleAfter()), secret);
    }

    /** The pair of {@code fip} as the informer cache has it now. */
    private Optional<FailoverPair> pair(FloatingIp fip) {
        InformerEventSource<FailoverPair, FloatingIp> source = pairs;
        if (source == null || fip.getSpec() == null || fip.getSpec().failoverPairRef == null) {
            return Optional.empty();
        }
        return source.get(new ResourceID(fip.getSpec().failoverPairRef.name, fip.getMetadata().getNamespace()));
    }

    private static boolean isCloud(FloatingIp fip) {
        return fip.getSpec() != null && Providers.cloudName(fip.getSpec().provider).isPresent();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Adds a blocker for each missing reference; returns the credentials Secret when it exists. */
    private Secret checkReferences(FloatingIp fip, FailoverPair pair, List<Blocker> blockers) {
        FloatingIpSpec spec = fip.getSpec();
        String ns = fip.getMetadata().getNamespace();
        if (pair == null) {
            blockers.add(new Blocker("PairNotFound", "FailoverPair " + spec.failoverPairRef.name
                    + " (spec.failoverPairRef) does not exist in namespace " + ns));
        } else if (pair.getSpec() != null && pair.getSpec().members != null) {
            Set<String> members = pair.getSpec().members.stream().filter(Objects::nonNull).map((MemberSpec m) -> m.node)
                    .collect(Collectors.toSet());
            checkMemberMapping(spec.provider, members, blockers);
        }
        Secret found = null;
        for (Map.Entry<SecretKeyRef, List<String>> e : requiredKeys(spec.provider).entrySet()) {
            SecretKeyRef ref = e.getKey();
            Secret secret = client.secrets().inNamespace(ns).withName(ref.name).get();
            found = secret;
            if (secret == null) {
                blockers.add(new Blocker("SecretNotFound", "Secret " + ref.name
                        + " (credentialsSecretRef) does not exist in namespace " + ns));
                continue;
            }
            for (String key : e.getValue()) {
                boolean present = (secret.getData() != null && secret.getData().containsKey(key))
                        || (secret.getStringData() != null && secret.getStringData().containsKey(key));
                if (!present) {
                    // Only names are reported, never values.
                    blockers.add(new Blocker("SecretKeyMissing", "Secret " + ref.name + " has no key \"" + key + "\""));
                }
            }
        }
        return found;
    }

    /** Providers that name one object per member must name one for every member of the pair. */
    private static void checkMemberMapping(ProviderSpec provider, Set<String> members, List<Blocker> blockers) {
        Set<String> mapped = null;
        String field = null;
        if (provider.multapplied != null) {
            mapped = provider.multapplied.bonds.stream().map(b -> b.node).collect(Collectors.toSet());
            field = "spec.provider.multapplied.bonds";
        } else if (provider.openstack != null) {
            mapped = provider.openstack.ports.stream().map(p -> p.node).collect(Collectors.toSet());
            field = "spec.provider.openstack.ports";
        }
        if (mapped == null) {
            return;
        }
        for (String m : members.stream().sorted().toList()) {
            if (!mapped.contains(m)) {
                blockers.add(new Blocker("MemberNotMapped", field + " has no entry for member node " + m));
            }
        }
        for (String n : mapped.stream().sorted().toList()) {
            if (!members.contains(n)) {
                blockers.add(new Blocker("MemberNotMapped", field + " names node " + n + ", which is not a member of the pair"));
            }
        }
    }

    /** The keys each credentials Secret must hold, by provider. */
    static Map<SecretKeyRef, List<String>> requiredKeys(ProviderSpec p) {
        return Providers.credentialsRef(p).map(ref -> Map.of(ref, Providers.requiredKeys(p))).orElse(Map.of());
    }

    /** Two FloatingIps of one address would fight over it; the older one keeps it. */
    private static void checkAddressConflict(FloatingIp fip, Context<FloatingIp> context, List<Blocker> blockers) {
        Optional<InetAddress> mine = IpAddresses.parse(fip.getSpec().address);
        Comparator<FloatingIp> olderFirst = Comparator
                .comparing((FloatingIp f) -> Objects.toString(f.getMetadata().getCreationTimestamp(), ""))
                .thenComparing(f -> f.getMetadata().getNamespace() + "/" + f.getMetadata().getName());
        context.getPrimaryCache().list()
                .filter(other -> !other.getMetadata().getUid().equals(fip.getMetadata().getUid()))
                .filter(other -> other.getSpec() != null && IpAddresses.parse(other.getSpec().address).equals(mine))
                .filter(other -> olderFirst.compare(other, fip) < 0)
                .findFirst()
                .ifPresent(other -> blockers.add(new Blocker("AddressConflict", "address " + fip.getSpec().address
                        + " is already managed by FloatingIp " + other.getMetadata().getNamespace() + "/"
                        + other.getMetadata().getName())));
    }

    private void writeStatus(FloatingIp fip, FloatingIpStatus next) {
        StatusPatch patch = StatusPatch.between(fip.getStatus(), next, OWNED);
        if (patch != null) {
            client.resources(FloatingIp.class).inNamespace(fip.getMetadata().getNamespace())
                    .withName(fip.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(patch.isMergePatch() ? PatchType.JSON_MERGE : PatchType.JSON), patch.toJson());
        }
    }

    private void announce(FloatingIp fip, FloatingIpStatus previous, FloatingIpStatus next) {
        readiness.report(fip, previous == null ? null : previous.conditions, next.conditions, false);
        if (next.lastMove != null && (previous == null || previous.lastMove == null
                || !Objects.equals(previous.lastMove.time, next.lastMove.time))) {
            events.normal(fip, "Moved", address(fip) + " moved " + (next.lastMove.from == null ? "" : "from "
                    + next.lastMove.from + " ") + "to " + next.lastMove.to);
        }
    }

    private static String address(FloatingIp fip) {
        return fip.getSpec() == null ? "the address" : fip.getSpec().address;
    }
}
