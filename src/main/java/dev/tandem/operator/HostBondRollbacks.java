package dev.tandem.operator;

import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.NodeBondStatus;
import dev.tandem.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the nodes of a HostBond report, for the people on call: the nodes by phase as a metric, and a Warning Event
 * {@value #ROLLED_BACK} on the HostBond when a node restores its previous network configuration. Each rollback is
 * told once: the Degraded condition the operator wrote last already names the nodes it has told about.
 */
@ApplicationScoped
public class HostBondRollbacks {
    public static final String ROLLED_BACK = "NodeRolledBack";

    @Inject
    EventRecorder events;
    @Inject
    OperatorMetrics metrics;

    public void observed(HostBond bond, List<String> matchingNodes) {
        Map<String, NodeBondStatus> reports = bond.getStatus() == null || bond.getStatus().nodes == null
                ? Map.of() : bond.getStatus().nodes;
        Map<String, String> phases = new LinkedHashMap<>();
        for (String node : matchingNodes) {
            NodeBondStatus r = reports.get(node);
            phases.put(node, r == null || r.phase == null ? NodeBondStatus.Phase.Pending.name() : r.phase.name());
        }
        metrics.hostBondObserved(bond, phases);
        Condition degraded = Conditions.find(bond.getStatus() == null ? null : bond.getStatus().conditions,
                Conditions.DEGRADED);
        String told = degraded == null || degraded.getMessage() == null ? "" : degraded.getMessage();
        phases.forEach((node, phase) -> {
            if (NodeBondStatus.Phase.RolledBack.name().equals(phase) && !told.contains(node + " is RolledBack")) {
                String why = reports.get(node).message;
                events.warning(bond, ROLLED_BACK, node + " rolled back its network change"
                        + (why == null || why.isBlank() ? "" : ": " + why));
            }
        });
    }
}
