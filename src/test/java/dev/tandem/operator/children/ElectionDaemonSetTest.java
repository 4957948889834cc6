package dev.tandem.operator.children;

import dev.tandem.api.v1alpha1.ExecCheckSpec;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.TcpCheckSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ElectionDaemonSetTest {
    private static final AgentSettings SETTINGS =
            new AgentSettings("ghcr.io/tandem/tandem:0.1.0", "IfNotPresent", 9100, Optional.of("system-node-critical"),
                    "tandem-bond-agent");

    private static FailoverPair pair(HealthCheckSpec... checks) {
        FailoverPair p = new FailoverPair();
        p.setMetadata(new ObjectMetaBuilder().withName("haproxy").withNamespace("edge").withUid("5d9c1c7e-uid")
                .withGeneration(2L).build());
        FailoverPairSpec spec = new FailoverPairSpec();
        spec.members.add(new MemberSpec("lb-1", 200));
        spec.members.add(new MemberSpec("lb-2", 100));
        spec.healthChecks.addAll(List.of(checks));
        p.setSpec(spec);
        return p;
    }

    private static HealthCheckSpec tcpCheck() {
        HealthCheckSpec c = new HealthCheckSpec();
        c.name = "stats";
        c.tcp = new TcpCheckSpec();
        c.tcp.port = 8404;
        return c;
    }

    private static HealthCheckSpec execCheck() {
        HealthCheckSpec c = new HealthCheckSpec();
        c.name = "haproxy";
        c.exec = new ExecCheckSpec();
        c.exec.command = List.of("pidof", "haproxy");
        return c;
    }

    private static PodSpec podSpec(DaemonSet ds) {
        return ds.getSpec().getTemplate().getSpec();
    }

    private static Container agent(DaemonSet ds) {
        assertThat(podSpec(ds).getContainers()).hasSize(1);
        return podSpec(ds).getContainers().getFirst();
    }

    @Test
    void isPinnedToTheMemberNodesByName() {
        DaemonSet ds = ElectionDaemonSet.desired(pair(), 7, SETTINGS);

        List<NodeSelectorTerm> terms = podSpec(ds).getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        assertThat(terms).singleElement().satisfies(term -> {
            assertThat(term.getMatchExpressions()).isNullOrEmpty();
            assertThat(term.getMatchFields()).singleElement().satisfies(req -> {
                assertThat(req.getKey()).isEqualTo("metadata.name");
                assertThat(req.getOperator()).isEqualTo("In");
                assertThat(req.getValues()).containsExactly("lb-1", "lb-2");
            });
        });
        assertThat(ElectionDaemonSet.memberNodes(pair())).containsExactly("lb-1", "lb-2");
    }

    @Test
    void runsOnTheHostNetworkWithOnlyNetAdminAndNetRaw() {
        DaemonSet ds = ElectionDaemonSet.desired(pair(), 7, SETTINGS);

        assertThat(podSpec(ds).getHostNetwork()).isTrue();
        SecurityContext sc = agent(ds).getSecurityContext();
        assertThat(sc.getCapabilities().getAdd()).containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW", "SYS_NICE");
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getPrivileged()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    }

    @Test
    void usesThePairsOwnServiceAccountAndIsOwnedByThePair() {
        FailoverPair pair = pair();
        DaemonSet ds = ElectionDaemonSet.desired(pair, 7, SETTINGS);

        assertThat(ds.getMetadata().getName()).isEqualTo(ChildNames.base("haproxy")).isEqualTo("tandem-haproxy");
        assertThat(ds.getMetadata().getNamespace()).isEqualTo("edge");
        assertThat(podSpec(ds).getServiceAccountName()).isEqualTo(ChildNames.base("haproxy"));
        assertThat(ds.getMetadata().getOwnerReferences()).singleElement().satisfies((OwnerReference ref) -> {
            assertThat(ref.getController()).isTrue();
            assertThat(ref.getKind()).isEqualTo("FailoverPair");
            assertThat(ref.getApiVersion()).isEqualTo("tandem.dev/v1alpha1");
            assertThat(ref.getName()).isEqualTo("haproxy");
            assertThat(ref.getUid()).isEqualTo("5d9c1c7e-uid");
        });
    }

    @Test
    void selectorMatchesThePodTemplate() {
        DaemonSet ds = ElectionDaemonSet.desired(pair(), 7, SETTINGS);

        assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(ds.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void seesHostProcessesOnlyWhenAnExecCheckNeedsThem() {
        assertThat(podSpec(ElectionDaemonSet.desired(pair(), 7, SETTINGS)).getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(podSpec(ElectionDaemonSet.desired(pair(tcpCheck()), 7, SETTINGS)).getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(podSpec(ElectionDaemonSet.desired(pair(tcpCheck(), execCheck()), 7, SETTINGS)).getHostPID()).isTrue();
    }

    @Test
    void metricsPortIsTheBasePlusTheRouterId() {
        Container c = agent(ElectionDaemonSet.desired(pair(), 42, SETTINGS));

        assertThat(c.getPorts()).singleElement().extracting(ContainerPort::getContainerPort).isEqualTo(9142);
        assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("TANDEM_METRICS_PORT"))
                .singleElement().extracting(EnvVar::getValue).isEqualTo("9142");
        assertThat(c.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9142);
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9142);
    }

    @Test
    void twoPairsOnOneHostGetDifferentMetricsPorts() {
        int a = agent(ElectionDaemonSet.desired(pair(), 1, SETTINGS)).getPorts().getFirst().getContainerPort();
        int b = agent(ElectionDaemonSet.desired(pair(), 2, SETTINGS)).getPorts().getFirst().getContainerPort();

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void rollsOneMemberAtATime() {
        DaemonSet ds = ElectionDaemonSet.desired(pair(), 7, SETTINGS);

        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    @Test
    void runsTheAgentForThisPairWithTheConfiguredImage() {
        Container c = agent(ElectionDaemonSet.desired(pair(), 7, SETTINGS));

        assertThat(c.getImage()).isEqualTo("ghcr.io/tandem/tandem:0.1.0");
        assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(c.getArgs()).containsExactly("agent", "--pair", "haproxy");
        assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("NODE_NAME")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName"));
        assertThat(podSpec(ElectionDaemonSet.desired(pair(), 7, SETTINGS)).getPriorityClassName())
                .isEqualTo("system-node-critical");
    }
}
