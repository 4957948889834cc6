package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.HostBondStatus;
import dev.tandem.api.v1alpha1.NodeBondStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Computes the operator's part of a HostBond's status from the nodes' own reports. Pure. */
public final class HostBondStatusAggregator {
    private HostBondStatusAggregator() {
    }

    public static HostBondStatus aggregate(HostBondObservation o) {
        HostBondStatus previous = o.previous() == null ? new HostBondStatus() : o.previous();
        Map<String, NodeBondStatus> reports = previous.nodes == null ? Map.of() : previous.nodes;
        List<String> notApplied = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        int applied = 0;
        for (String node : o.matchingNodes()) {
            NodeBondStatus r = reports.get(node);
            if (r == null || r.phase == null) {
                notApplied.add(node + " has not reported");
            } else if (r.phase == NodeBondStatus.Phase.Applied) {
                applied++;
            } else {
                String line = node + " is " + r.phase + (r.message == null ? "" : ": " + r.message);
                notApplied.add(line);
                if (r.phase == NodeBondStatus.Phase.RolledBack || r.phase == NodeBondStatus.Phase.Failed) {
                    failed.add(line);
                }
            }
        }
        HostBondStatus s = new HostBondStatus();
        s.observedGeneration = o.generation();
        s.nodesReady = applied + "/" + o.matchingNodes().size();
        s.nodes = null;

        Conditions.Desired ready;
        if (!o.blockers().isEmpty()) {
            ready = Conditions.of(Conditions.READY, false, o.blockers().getFirst().reason(),
                    o.blockers().stream().map(Blocker::message).reduce((a, b) -> a + "; " + b).orElse(""));
        } else if (o.matchingNodes().isEmpty()) {
            ready = Conditions.of(Conditions.READY, false, "NoMatchingNodes", "no node matches spec.nodeSelector");
        } else if (notApplied.isEmpty()) {
            ready = Conditions.of(Conditions.READY, true, "Applied", "applied on all " + applied + " matching nodes");
        } else {
            ready = Conditions.of(Conditions.READY, false, "NodesNotReady", String.join("; ", notApplied));
        }
        Conditions.Desired degraded = failed.isEmpty()
                ? Conditions.of(Conditions.DEGRADED, false, "NoFailures", "no node failed or rolled back")
                : Conditions.of(Conditions.DEGRADED, true, "NodeFailed", String.join("; ", failed));
        s.conditions = Conditions.merge(previous.conditions, List.of(ready, degraded), o.now(), o.generation());
        return s;
    }
}
