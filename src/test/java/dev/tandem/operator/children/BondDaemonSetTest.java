package dev.tandem.operator.children;

import dev.tandem.api.v1alpha1.BondSpec;
import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.HostBondSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BondDaemonSetTest {
    private static final AgentSettings SETTINGS =
            new AgentSettings("ghcr.io/tandem/tandem:0.1.0", "Always", 9100, Optional.empty(), "tandem-bond-agent");

    private static HostBond hostBond(IntOrString maxUnavailable) {
        HostBond b = new HostBond();
        b.setMetadata(new ObjectMetaBuilder().withName("dual-uplink").withUid("0b1d-uid").withGeneration(4L).build());
        HostBondSpec spec = new HostBondSpec();
        spec.nodeSelector.put("tandem.dev/uplinks", "wired-and-wireless");
        spec.nodeSelector.put("kubernetes.io/os", "linux");
        spec.mode = HostBondSpec.Mode.bond;
        spec.bond = new BondSpec();
        spec.bond.slaves = List.of("eth0", "wlan0");
        spec.maxUnavailable = maxUnavailable;
        b.setSpec(spec);
        return b;
    }

    private static PodSpec podSpec(DaemonSet ds) {
        return ds.getSpec().getTemplate().getSpec();
    }

    private static Container agent(DaemonSet ds) {
        assertThat(podSpec(ds).getContainers()).hasSize(1);
        return podSpec(ds).getContainers().getFirst();
    }

    @Test
    void runsOnTheNodesTheSelectorMatches() {
        DaemonSet ds = BondDaemonSet.desired(hostBond(null), "tandem-system", SETTINGS);

        assertThat(podSpec(ds).getNodeSelector()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "tandem.dev/uplinks", "wired-and-wireless", "kubernetes.io/os", "linux"));
    }

    @Test
    void changesOneNodeAtATimeByDefault() {
        DaemonSet ds = BondDaemonSet.desired(hostBond(null), "tandem-system", SETTINGS);

        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    }

    @Test
    void usesTheSpecsMaxUnavailableWhenSet() {
        DaemonSet percent = BondDaemonSet.desired(hostBond(new IntOrString("25%")), "tandem-system", SETTINGS);
        DaemonSet count = BondDaemonSet.desired(hostBond(new IntOrString(3)), "tandem-system", SETTINGS);

        assertThat(percent.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getStrVal()).isEqualTo("25%");
        assertThat(count.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(3);
    }

    @Test
    void livesInTheNamespaceItIsGivenAndIsOwnedByTheHostBond() {
        DaemonSet ds = BondDaemonSet.desired(hostBond(null), "tandem-system", SETTINGS);

        assertThat(ds.getMetadata().getNamespace()).isEqualTo("tandem-system");
        assertThat(ds.getMetadata().getName()).isEqualTo(ChildNames.bond("dual-uplink")).startsWith("tandem-bond-");
        assertThat(ds.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
            assertThat(ref.getController()).isTrue();
            assertThat(ref.getKind()).isEqualTo("HostBond");
            assertThat(ref.getName()).isEqualTo("dual-uplink");
            assertThat(ref.getUid()).isEqualTo("0b1d-uid");
        });
        assertThat(BondDaemonSet.desired(hostBond(null), "other", SETTINGS).getMetadata().getNamespace()).isEqualTo("other");
    }

    @Test
    void runsOnTheHostNetworkWithOnlyNetAdminAndNetRaw() {
        DaemonSet ds = BondDaemonSet.desired(hostBond(null), "tandem-system", SETTINGS);

        assertThat(podSpec(ds).getHostNetwork()).isTrue();
        assertThat(podSpec(ds).getServiceAccountName()).isEqualTo("tandem-bond-agent");
        SecurityContext sc = agent(ds).getSecurityContext();
        assertThat(sc.getCapabilities().getAdd()).containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getPrivileged()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(podSpec(ds).getHostPID()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void runsTheAgentForThisHostBond() {
        DaemonSet ds = BondDaemonSet.desired(hostBond(null), "tandem-system", SETTINGS);

        assertThat(agent(ds).getArgs()).containsExactly("agent", "--host-bond", "dual-uplink");
        assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(ds.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void aSpecChangeRollsTheNodesOneByOneAndAPodIsReadyOnlyOnceItsNodeApplied() {
        HostBond bond = hostBond(null);
        DaemonSet four = BondDaemonSet.desired(bond, "tandem-system", SETTINGS);
        bond.getMetadata().setGeneration(5L);
        DaemonSet five = BondDaemonSet.desired(bond, "tandem-system", SETTINGS);

        assertThat(agent(four).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo(BondDaemonSet.GENERATION_ENV);
            assertThat(e.getValue()).isEqualTo("4");
        });
        assertThat(four.getSpec().getTemplate()).as("a new generation is a new pod template: a rolling update")
                .isNotEqualTo(five.getSpec().getTemplate());
        assertThat(agent(four).getReadinessProbe().getExec().getCommand())
                .containsExactly("test", "-e", BondDaemonSet.APPLIED_FILE);
        assertThat(four.getSpec().getMinReadySeconds()).isPositive();
    }
}
