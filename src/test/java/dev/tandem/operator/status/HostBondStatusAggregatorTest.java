package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.HostBondStatus;
import dev.tandem.api.v1alpha1.NodeBondStatus;
import dev.tandem.api.v1alpha1.NodeBondStatus.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HostBondStatusAggregatorTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    private static HostBondStatus reported(Map<String, NodeBondStatus> nodes) {
        HostBondStatus s = new HostBondStatus();
        s.nodes.putAll(nodes);
        return s;
    }

    private static HostBondStatus aggregate(HostBondStatus previous, List<String> matching, List<Blocker> blockers) {
        return HostBondStatusAggregator.aggregate(new HostBondObservation(6L, previous, blockers, matching, NOW));
    }

    private static Condition condition(HostBondStatus s, String type) {
        Condition c = Conditions.find(s.conditions, type);
        assertThat(c).as(type + " condition").isNotNull();
        return c;
    }

    @Test
    void everyMatchingNodeAppliedIsReady() {
        HostBondStatus s = aggregate(reported(Map.of(
                "pi-1", new NodeBondStatus(Phase.Applied, "eth0", null),
                "pi-2", new NodeBondStatus(Phase.Applied, "wlan0", null))), List.of("pi-1", "pi-2"), List.of());

        assertThat(s.nodesReady).isEqualTo("2/2");
        assertThat(s.observedGeneration).isEqualTo(6L);
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Ready").getReason()).isEqualTo("Applied");
        assertThat(condition(s, "Degraded").getStatus()).isEqualTo("False");
        assertThat(s.conditions).extracting(Condition::getType).containsExactly("Ready", "Degraded");
    }

    @Test
    void nodesReadyCountsAppliedOutOfMatchingAndIgnoresOthers() {
        HostBondStatus s = aggregate(reported(Map.of(
                "pi-1", new NodeBondStatus(Phase.Applied, "eth0", null),
                "pi-2", new NodeBondStatus(Phase.Applying, null, "enslaving wlan0"),
                "old-node", new NodeBondStatus(Phase.Applied, "eth0", null))), List.of("pi-1", "pi-2", "pi-3"), List.of());

        assertThat(s.nodesReady).isEqualTo("1/3");
        Condition ready = condition(s, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("NodesNotReady");
        assertThat(ready.getMessage()).contains("pi-2 is Applying: enslaving wlan0").contains("pi-3 has not reported")
                .doesNotContain("old-node");
        assertThat(condition(s, "Degraded").getStatus()).isEqualTo("False");
    }

    @Test
    void noMatchingNodesIsNotReady() {
        HostBondStatus s = aggregate(null, List.of(), List.of());

        assertThat(s.nodesReady).isEqualTo("0/0");
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(s, "Ready").getReason()).isEqualTo("NoMatchingNodes");
    }

    @Test
    void rolledBackAndFailedNodesDegradeIt() {
        HostBondStatus s = aggregate(reported(Map.of(
                "pi-1", new NodeBondStatus(Phase.RolledBack, "eth0", "gateway unreachable after 30s"),
                "pi-2", new NodeBondStatus(Phase.Failed, null, "wlan0 does not exist"),
                "pi-3", new NodeBondStatus(Phase.Applied, "eth0", null))), List.of("pi-1", "pi-2", "pi-3"), List.of());

        Condition degraded = condition(s, "Degraded");
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("NodeFailed");
        assertThat(degraded.getMessage())
                .contains("pi-1 is RolledBack: gateway unreachable after 30s")
                .contains("pi-2 is Failed: wlan0 does not exist")
                .doesNotContain("pi-3");
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
        assertThat(s.nodesReady).isEqualTo("1/3");
    }

    @Test
    void pendingOrApplyingNodesDoNotDegradeIt() {
        HostBondStatus s = aggregate(reported(Map.of(
                "pi-1", new NodeBondStatus(Phase.Pending, null, null),
                "pi-2", new NodeBondStatus(Phase.Applying, null, null))), List.of("pi-1", "pi-2"), List.of());

        assertThat(condition(s, "Degraded").getStatus()).isEqualTo("False");
    }

    @Test
    void blockersWinAndTheFirstGivesTheReason() {
        HostBondStatus s = aggregate(reported(Map.of(
                "pi-1", new NodeBondStatus(Phase.Applied, "eth0", null))), List.of("pi-1"), List.of(
                new Blocker("InvalidSpec", "spec.bond.updelay: 150 is not a multiple of miimon (100)"),
                new Blocker("ChildConflict", "DaemonSet tandem-uplinks belongs to someone else")));

        Condition ready = condition(s, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).contains("updelay").contains("DaemonSet tandem-uplinks");
    }

    @Test
    void readyKeepsItsTransitionTimeWhileItStaysTrue() {
        HostBondStatus first = aggregate(reported(Map.of(
                "pi-1", new NodeBondStatus(Phase.Applied, "eth0", null))), List.of("pi-1"), List.of());
        HostBondStatus previous = reported(Map.of("pi-1", new NodeBondStatus(Phase.Applied, "wlan0", null)));
        previous.conditions = first.conditions;

        HostBondStatus later = HostBondStatusAggregator.aggregate(new HostBondObservation(7L, previous, List.of(),
                List.of("pi-1"), NOW.plusSeconds(3600)));

        assertThat(condition(later, "Ready").getLastTransitionTime()).isEqualTo("2026-05-01T12:00:00Z");
        assertThat(condition(later, "Ready").getObservedGeneration()).isEqualTo(7L);
    }
}
