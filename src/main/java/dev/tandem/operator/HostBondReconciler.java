package dev.tandem.operator;

import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.HostBondStatus;
import dev.tandem.operator.children.AgentSettings;
import dev.tandem.operator.children.BondDaemonSet;
import dev.tandem.operator.children.ChildNames;
import dev.tandem.operator.status.Blocker;
import dev.tandem.operator.status.HostBondObservation;
import dev.tandem.operator.status.HostBondStatusAggregator;
import dev.tandem.operator.status.StatusPatch;
import dev.tandem.validation.HostBondValidator;
import dev.tandem.validation.SpecProblem;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reconciles a HostBond: validate, run its agent DaemonSet on the matching nodes, aggregate the nodes' reports. */
@ControllerConfiguration(name = HostBondReconciler.NAME, generationAwareEventProcessing = false)
public class HostBondReconciler implements Reconciler<HostBond>, Cleaner<HostBond> {
    public static final String NAME = "hostbond";
    static final String NODES = "bond-nodes";
    static final List<String> OWNED = List.of("nodesReady", "conditions", "observedGeneration");

    @Inject
    KubernetesClient client;
    @Inject
    OperatorConfig config;
    @Inject
    AgentSettings agentSettings;
    @Inject
    ChildApplier children;
    @Inject
    ReadinessReport readiness;
    @Inject
    OperatorMetrics metrics;
    @Inject
    Clock clock;
    @Inject
    HostBondRollbacks rollbacks;

    @Override
    public List<EventSource<?, HostBond>> prepareEventSources(EventSourceContext<HostBond> context) {
        // A node whose labels change may start or stop matching any HostBond.
        var nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, HostBond.class)
                .withName(NODES)
                .withSecondaryToPrimaryMapper(node -> context.getPrimaryCache().list()
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build(), context);
        var daemonSets = new InformerEventSource<>(InformerEventSourceConfiguration.from(DaemonSet.class, HostBond.class)
                .withLabelSelector(ChildNames.LABEL_COMPONENT + "=" + ChildNames.COMPONENT_BOND)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(HostBond.class, true))
                .build(), context);
        return List.of(nodes, daemonSets);
    }

    @Override
    public UpdateControl<HostBond> reconcile(HostBond bond, Context<HostBond> context) {
        List<Blocker> blockers = new ArrayList<>();
        List<SpecProblem> problems = HostBondValidator.validate(bond.getSpec());
        List<String> matching = List.of();
        if (!problems.isEmpty()) {
            blockers.add(Blocker.invalidSpec(problems));
        } else {
            matching = matchingNodes(bond, context);
            try {
                children.apply(BondDaemonSet.desired(bond, config.namespace(), agentSettings), bond, context);
            } catch (ChildApplier.NotOwnedException e) {
                blockers.add(new Blocker("ChildConflict", e.getMessage()));
            }
        }
        HostBondStatus next = HostBondStatusAggregator.aggregate(new HostBondObservation(
                bond.getMetadata().getGeneration(), bond.getStatus(), blockers, matching, clock.instant()));
        StatusPatch patch = StatusPatch.between(bond.getStatus(), next, OWNED);
        if (problems.isEmpty() && bond.getStatus() != null && bond.getStatus().nodes != null) {
            // Nodes that no longer match keep no entry: their agent is gone and its last word no longer applies.
            for (String node : bond.getStatus().nodes.keySet()) {
                if (!matching.contains(node)) {
                    patch = StatusPatch.removeEntry(patch, "nodes", node);
                }
            }
        }
        if (patch != null) {
            client.resources(HostBond.class).withName(bond.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(patch.isMergePatch() ? PatchType.JSON_MERGE : PatchType.JSON), patch.toJson());
        }
        readiness.report(bond, bond.getStatus() == null ? null : bond.getStatus().conditions, next.conditions, false);
        rollbacks.observed(bond, matching);
        return UpdateControl.<HostBond>noUpdate().rescheduleAfter(config.resyncInterval());
    }

    @Override
    public DeleteControl cleanup(HostBond bond, Context<HostBond> context) {
        metrics.forget(bond);
        children.deleteOwned(new DaemonSetBuilder().withMetadata(new ObjectMetaBuilder()
                .withName(ChildNames.bond(bond.getMetadata().getName())).withNamespace(config.namespace()).build()).build(), bond);
        return DeleteControl.defaultDelete();
    }

    private static List<String> matchingNodes(HostBond bond, Context<HostBond> context) {
        Map<String, String> selector = bond.getSpec().nodeSelector;
        return ((InformerEventSource<Node, HostBond>) context.eventSourceRetriever().getEventSourceFor(Node.class, NODES)).list()
                .filter(n -> n.getMetadata().getLabels() != null
                        && n.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .map(n -> n.getMetadata().getName())
                .sorted()
                .toList();
    }
}
