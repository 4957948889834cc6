package dev.tandem.operator;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.TransportSpec;
import dev.tandem.api.v1alpha1.UdpTransportSpec;
import dev.tandem.operator.children.AgentRbac;
import dev.tandem.operator.children.AgentSettings;
import dev.tandem.operator.children.AuthSecret;
import dev.tandem.operator.children.ChildNames;
import dev.tandem.operator.children.ElectionDaemonSet;
import dev.tandem.operator.status.Blocker;
import dev.tandem.operator.status.PairObservation;
import dev.tandem.operator.status.PairStatusAggregator;
import dev.tandem.operator.status.StatusPatch;
import dev.tandem.validation.FailoverPairValidator;
import dev.tandem.validation.FloatingIpValidator;
import dev.tandem.validation.SpecProblem;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reconciles a FailoverPair: validate, resolve members, choose the router id, make sure the auth Secret exists,
 * apply the agents' identity and DaemonSet, then aggregate the members' reports into status.
 */
@ControllerConfiguration(name = FailoverPairReconciler.NAME, generationAwareEventProcessing = false)
public class FailoverPairReconciler implements Reconciler<FailoverPair>, Cleaner<FailoverPair> {
    public static final String NAME = "failoverpair";
    private static final Logger LOG = Logger.getLogger(FailoverPairReconciler.class);
    static final String NODES = "nodes";
    static final String FLOATING_IPS = "floatingips";
    static final String PAIRS = "pairs";

    /** Status fields the operator writes; the entries of members belong to the agents. */
    static final List<String> OWNED = List.of("activeMember", "membersReady", "virtualRouterId", "memberAddresses", "memberProviderIds", "authSecretName",
            "lastTransition", "transitions", "history", "conditions", "observedGeneration");

    @Inject
    KubernetesClient client;
    @Inject
    OperatorConfig config;
    @Inject
    AgentSettings agentSettings;
    @Inject
    ChildApplier children;
    @Inject
    EventRecorder events;
    @Inject
    ReadinessReport readiness;
    @Inject
    OperatorMetrics metrics;
    @Inject
    Clock clock;

    @Override
    public List<EventSource<?, FailoverPair>> prepareEventSources(EventSourceContext<FailoverPair> context) {
        // A node that appears, disappears or changes address affects the pairs that list it.
        var nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, FailoverPair.class)
                .withName(NODES)
                .withSecondaryToPrimaryMapper(node -> context.getPrimaryCache().list()
                        .filter(p -> p.getSpec() != null && p.getSpec().members != null
                                && p.getSpec().members.stream().anyMatch(m -> m != null && node.getMetadata().getName().equals(m.node)))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build(), context);
        var daemonSets = new InformerEventSource<>(InformerEventSourceConfiguration.from(DaemonSet.class, FailoverPair.class)
                .withLabelSelector(ChildNames.LABEL_COMPONENT + "=" + ChildNames.COMPONENT_ELECTION)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(FailoverPair.class, false))
                .build(), context);
        // FloatingIps decide which credential Secrets the agents may read.
        var floatingIps = new InformerEventSource<>(InformerEventSourceConfiguration.from(FloatingIp.class, FailoverPair.class)
                .withName(FLOATING_IPS)
                .withSecondaryToPrimaryMapper(fip -> fip.getSpec() == null || fip.getSpec().failoverPairRef == null
                        || fip.getSpec().failoverPairRef.name == null ? Set.of()
                        : Set.of(new ResourceID(fip.getSpec().failoverPairRef.name, fip.getMetadata().getNamespace())))
                .build(), context);
        return List.of(nodes, daemonSets, floatingIps);
    }

    @Override
    public UpdateControl<FailoverPair> reconcile(FailoverPair pair, Context<FailoverPair> context) {
        Instant now = clock.instant();
        FailoverPairStatus previous = pair.getStatus();
        List<Blocker> blockers = new ArrayList<>();
        List<Blocker> memberProblems = new ArrayList<>();
        Integer routerId = previous == null ? null : previous.virtualRouterId;
        String authSecretName = previous == null ? null : previous.authSecretName;
        Map<String, String> addresses = Map.of();
        Map<String, String> providerIds = new LinkedHashMap<>();

        List<SpecProblem> problems = FailoverPairValidator.validate(pair.getSpec());
        if (!problems.isEmpty()) {
            blockers.add(Blocker.invalidSpec(problems));
        } else {
            addresses = resolveAddresses(pair, context, memberProblems, providerIds);
            RouterIdAllocator.Result id = RouterIdAllocator.allocate(allocatorView(pair, addresses), allPairs(context));
            if (id.blocker() != null) {
                blockers.add(id.blocker());
            } else {
                routerId = id.id();
            }
            authSecretName = ensureAuthSecret(pair, blockers);
            if (blockers.isEmpty()) {
                applyChildren(pair, routerId, authSecretName, context, blockers);
            }
        }

        DaemonSet ds = context.getSecondaryResource(DaemonSet.class).orElse(null);
        Integer ready = ds == null ? null : ds.getStatus() == null || ds.getStatus().getNumberReady() == null ? 0 : ds.getStatus().getNumberReady();
        Integer desired = ds == null || ds.getStatus() == null || ds.getStatus().getDesiredNumberScheduled() == null ? Integer.valueOf(0)
                : ds.getStatus().getDesiredNumberScheduled();
        FailoverPairStatus next = PairStatusAggregator.aggregate(new PairObservation(pair.getSpec(),
                pair.getMetadata().getGeneration(), previous, blockers, memberProblems, routerId, authSecretName,
                addresses, providerIds, ready, desired, now, config.memberStaleAfter()));
        writeStatus(pair, previous, next, problems.isEmpty());
        announce(pair, previous, next);
        metrics.pairObserved(pair, memberStates(pair, previous, now), next.activeMember);
        return UpdateControl.<FailoverPair>noUpdate().rescheduleAfter(config.resyncInterval());
    }

    @Override
    public DeleteControl cleanup(FailoverPair pair, Context<FailoverPair> context) {
        String ns = pair.getMetadata().getNamespace();
        String name = ChildNames.base(pair.getMetadata().getName());
        children.deleteOwned(new DaemonSetBuilder().withMetadata(meta(name, ns)).build(), pair);
        children.deleteOwned(AgentRbac.roleBinding(pair), pair);
        children.deleteOwned(AgentRbac.role(pair, new TreeSet<>()), pair);
        children.deleteOwned(AgentRbac.serviceAccount(pair), pair);
        children.deleteOwned(new SecretBuilder().withMetadata(meta(ChildNames.authSecret(pair.getMetadata().getName()), ns)).build(), pair);
        metrics.forget(pair);
        LOG.infof("FailoverPair %s/%s deleted; removed its election agents", ns, pair.getMetadata().getName());
        return DeleteControl.defaultDelete();
    }

    private static io.fabric8.kubernetes.api.model.ObjectMeta meta(String name, String namespace) {
        return new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(namespace).build();
    }

    /** Each member's peer address: spec.members[].address, else the node's InternalIP; and its spec.providerID. */
    private Map<String, String> resolveAddresses(FailoverPair pair, Context<FailoverPair> context, List<Blocker> memberProblems,
                                                 Map<String, String> providerIds) {
        Map<String, String> out = new LinkedHashMap<>();
        var nodeCache = (InformerEventSource<Node, FailoverPair>) context.eventSourceRetriever().getEventSourceFor(Node.class, NODES);
        for (MemberSpec m : pair.getSpec().members) {
            Node node = nodeCache.get(new ResourceID(m.node)).orElse(null);
            if (node == null) {
                memberProblems.add(new Blocker("MemberNodeMissing", "node " + m.node + " does not exist"));
                continue;
            }
            if (node.getSpec() != null && node.getSpec().getProviderID() != null
                    && !node.getSpec().getProviderID().isBlank()) {
                providerIds.put(m.node, node.getSpec().getProviderID());
            }
            if (m.address != null) {
                out.put(m.node, m.address);
                continue;
            }
            String internal = node.getStatus() == null || node.getStatus().getAddresses() == null ? null
                    : node.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
                    .map(a -> a.getAddress()).findFirst().orElse(null);
            if (internal == null) {
                memberProblems.add(new Blocker("MemberAddressUnknown", "node " + m.node
                        + " has no InternalIP; set spec.members[].address for it"));
            } else {
                out.put(m.node, internal);
            }
        }
        return out;
    }

    private static RouterIdAllocator.Pair allocatorView(FailoverPair pair, Map<String, String> addresses) {
        Set<String> nodes = pair.getSpec() == null || pair.getSpec().members == null ? Set.of()
                : pair.getSpec().members.stream().filter(Objects::nonNull).map(m -> m.node).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        Set<String> addrs = addresses != null ? Set.copyOf(addresses.values())
                : pair.getStatus() == null || pair.getStatus().memberAddresses == null ? Set.of()
                : Set.copyOf(pair.getStatus().memberAddresses.values());
        return new RouterIdAllocator.Pair(pair.getMetadata().getNamespace(), pair.getMetadata().getName(),
                pair.getMetadata().getCreationTimestamp(), pair.getSpec() == null ? null : pair.getSpec().virtualRouterId,
                pair.getStatus() == null ? null : pair.getStatus().virtualRouterId, nodes, addrs);
    }

    private static List<RouterIdAllocator.Pair> allPairs(Context<FailoverPair> context) {
        return context.getPrimaryCache().list()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> allocatorView(p, null))
                .toList();
    }

    /** The Secret with the udp transport's key: the one named in the spec, or one generated for the pair. */
    private String ensureAuthSecret(FailoverPair pair, List<Blocker> blockers) {
        TransportSpec t = pair.getSpec().transport;
        if (t == null || t.type != TransportSpec.Type.udp) {
            return null;
        }
        String ns = pair.getMetadata().getNamespace();
        if (t.udp != null && t.udp.authSecretRef != null) {
            String name = t.udp.authSecretRef.name;
            String key = t.udp.authSecretRef.key == null ? AuthSecret.KEY : t.udp.authSecretRef.key;
            Secret secret = client.secrets().inNamespace(ns).withName(name).get();
            if (secret == null) {
                blockers.add(new Blocker("AuthSecretMissing", "Secret " + name
                        + " named in spec.transport.udp.authSecretRef does not exist in namespace " + ns));
            } else if (secret.getData() == null || secret.getData().get(key) == null) {
                blockers.add(new Blocker("AuthSecretInvalid", "Secret " + name + " has no key \"" + key + "\""));
            } else if (Base64.getDecoder().decode(secret.getData().get(key)).length < 32) {
                blockers.add(new Blocker("AuthSecretInvalid", "the key in Secret " + name + " (\"" + key
                        + "\") is shorter than 32 bytes; HMAC-SHA256 needs at least 32"));
            } else if (secret.getData().get(UdpTransportSpec.previousKeyName(key)) != null && Base64.getDecoder()
                    .decode(secret.getData().get(UdpTransportSpec.previousKeyName(key))).length < 32) {
                blockers.add(new Blocker("AuthSecretInvalid", "the previous key in Secret " + name + " (\""
                        + UdpTransportSpec.previousKeyName(key) + "\") is shorter than 32 bytes; HMAC-SHA256 needs at"
                        + " least 32"));
            }
            return name;
        }
        try {
            return children.createIfAbsent(AuthSecret.generated(pair), pair).getMetadata().getName();
        } catch (ChildApplier.NotOwnedException e) {
            blockers.add(new Blocker("ChildConflict", e.getMessage()));
            return null;
        }
    }

    private void applyChildren(FailoverPair pair, int routerId, String authSecretName, Context<FailoverPair> context,
                               List<Blocker> blockers) {
        SortedSet<String> secrets = new TreeSet<>();
        if (authSecretName != null) {
            secrets.add(authSecretName);
        }
        ((InformerEventSource<FloatingIp, FailoverPair>) context.eventSourceRetriever()
                .getEventSourceFor(FloatingIp.class, FLOATING_IPS))
                .list(pair.getMetadata().getNamespace(), f -> f.getSpec() != null && f.getSpec().failoverPairRef != null
                        && pair.getMetadata().getName().equals(f.getSpec().failoverPairRef.name))
                .forEach(f -> FloatingIpValidator.credentialRefs(f.getSpec().provider).forEach(r -> secrets.add(r.name)));
        try {
            children.apply(AgentRbac.serviceAccount(pair), pair, context);
            children.apply(AgentRbac.role(pair, secrets), pair, context);
            children.apply(AgentRbac.roleBinding(pair), pair, context);
            children.apply(ElectionDaemonSet.desired(pair, routerId, agentSettings), pair, context);
        } catch (ChildApplier.NotOwnedException e) {
            blockers.add(new Blocker("ChildConflict", e.getMessage()));
        }
    }

    /**
     * Patches the operator's fields and, while the spec is valid, removes the entries of nodes that are no longer
     * members. An invalid spec changes nothing the agents wrote.
     */
    private void writeStatus(FailoverPair pair, FailoverPairStatus previous, FailoverPairStatus next, boolean specValid) {
        StatusPatch patch = StatusPatch.between(previous, next, OWNED);
        if (specValid && previous != null && previous.members != null) {
            Set<String> memberNodes = pair.getSpec().members.stream().map(m -> m.node).collect(Collectors.toSet());
            for (Map.Entry<String, MemberStatus> e : previous.members.entrySet()) {
                if (!memberNodes.contains(e.getKey())) {
                    patch = StatusPatch.removeEntry(patch, "members", e.getKey());
                }
            }
        }
        if (patch != null) {
            client.resources(FailoverPair.class).inNamespace(pair.getMetadata().getNamespace())
                    .withName(pair.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(patch.isMergePatch() ? PatchType.JSON_MERGE : PatchType.JSON), patch.toJson());
        }
    }

    /**
     * Each member's state for the metrics: its fresh report's, UNKNOWN when it is silent or when its MASTER claim was
     * superseded by a member that took over after it was last heard.
     */
    private Map<String, String> memberStates(FailoverPair pair, FailoverPairStatus status, Instant now) {
        Map<String, String> states = new LinkedHashMap<>();
        if (pair.getSpec() == null || pair.getSpec().members == null) {
            return states;
        }
        Map<String, MemberStatus> reports = status == null || status.members == null ? Map.of() : status.members;
        List<String> masters = new ArrayList<>();
        for (MemberSpec m : pair.getSpec().members) {
            if (m == null || m.node == null) {
                continue;
            }
            MemberStatus r = reports.get(m.node);
            boolean fresh = dev.tandem.operator.status.MemberLiveness.isFresh(r, now, config.memberStaleAfter());
            states.put(m.node, fresh ? r.state.name() : "UNKNOWN");
            if (fresh && r.state == MemberStatus.State.MASTER) {
                masters.add(m.node);
            }
        }
        PairStatusAggregator.supersededClaims(masters, reports).keySet().forEach(n -> states.put(n, "UNKNOWN"));
        return states;
    }

    /** Events for what changed: readiness and the active member. */
    private void announce(FailoverPair pair, FailoverPairStatus previous, FailoverPairStatus next) {
        readiness.report(pair, previous == null ? null : previous.conditions, next.conditions, true);
        String from = previous == null ? null : previous.activeMember;
        if (!Objects.equals(from, next.activeMember) && next.activeMember != null) {
            metrics.activeMemberChanged(pair, next.history == null || next.history.isEmpty() ? null
                    : next.history.getLast().reason);
            events.normal(pair, "ActiveMemberChanged", (from == null ? "" : "from " + from + " ") + "to " + next.activeMember);
        }
    }
}
