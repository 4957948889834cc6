package dev.tandem.operator;

import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.HostBondStatus;
import dev.tandem.api.v1alpha1.NodeBondStatus.Phase;
import dev.tandem.api.v1alpha1.RoutedSpec;
import dev.tandem.api.v1alpha1.UplinkSpec;
import dev.tandem.operator.children.ChildNames;
import dev.tandem.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HostBond controller against the Fabric8 mock API server (CRUD mode), with the bond agents played by the test:
 * each writes its own entry of status.nodes. HostBonds and nodes are cluster-wide and the mock server outlives a
 * test, so every test uses its own HostBond names and node labels.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class HostBondReconcilerTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String UPLINKS = "tandem.dev/uplinks";

    @Inject
    KubernetesClient client;
    @Inject
    OperatorLifecycle operator;
    @Inject
    OperatorConfig config;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    /** Unique per test: prefixes node and HostBond names, and is the label value of most tests. */
    String id;
    String operatorNs;

    @BeforeEach
    void setUp() {
        TestCluster.prepare(client, operator);
        id = "hb" + UUID.randomUUID().toString().substring(0, 6);
        operatorNs = config.namespace();
        if (client.namespaces().withName(operatorNs).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(operatorNs).endMetadata().build())
                    .create();
        }
    }

    @Test
    void runsALeastPrivilegeAgentOnTheMatchingNodes() {
        // The only test that uses the label value "dual".
        Map<String, String> dual = Map.of(UPLINKS, "dual");
        TestResources.node(client, id + "-a", "192.0.2.21", dual);
        TestResources.node(client, id + "-b", "192.0.2.22", Map.of(UPLINKS, "dual", "other", "x"));
        TestResources.node(client, id + "-c", "192.0.2.23", Map.of(UPLINKS, "single"));
        HostBond created = client.resource(TestResources.hostBond(id, dual)).create();

        DaemonSet ds = awaitDaemonSet(id);
        assertThat(ds.getMetadata().getNamespace()).isEqualTo(operatorNs);
        var pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).isEqualTo(dual);
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo(config.bondServiceAccount());
        assertThat(pod.getContainers()).hasSize(1);
        Container agent = pod.getContainers().getFirst();
        assertThat(agent.getArgs()).containsSubsequence("--host-bond", id);
        var security = agent.getSecurityContext();
        assertThat(security.getPrivileged()).isFalse();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getCapabilities().getAdd()).containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        assertThat(ds.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("HostBond");
            assertThat(o.getName()).isEqualTo(id);
            assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });

        HostBond seen = awaitStatus(id, s -> s.nodesReady != null);
        assertThat(seen.getStatus().nodesReady).isEqualTo("0/2");
        assertThat(ready(seen).getStatus()).isEqualTo("False");
        assertThat(ready(seen).getReason()).isEqualTo("NodesNotReady");
        assertThat(ready(seen).getMessage()).contains(id + "-a has not reported").contains(id + "-b has not reported")
                .doesNotContain(id + "-c");
        assertThat(seen.getStatus().observedGeneration).isEqualTo(seen.getMetadata().getGeneration());
    }

    @Test
    void takesMaxUnavailableFromTheSpec() {
        Map<String, String> selector = Map.of(UPLINKS, id);
        TestResources.node(client, id + "-a", "192.0.2.31", selector);
        HostBond bond = TestResources.hostBond(id, selector);
        bond.getSpec().maxUnavailable = new IntOrString("25%");
        client.resource(bond).create();
        DaemonSet ds = awaitDaemonSet(id);
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString("25%"));

        // And follows it when it changes.
        client.resources(HostBond.class).withName(id).edit(b -> {
            b.getSpec().maxUnavailable = new IntOrString(2);
            return b;
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.apps().daemonSets().inNamespace(operatorNs)
                .withName(ChildNames.bond(id)).get().getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable())
                .isEqualTo(new IntOrString(2)));
    }

    @Test
    void aggregatesTheNodesReports() {
        Map<String, String> selector = Map.of(UPLINKS, id);
        String a = id + "-a";
        String b = id + "-b";
        TestResources.node(client, a, "192.0.2.41", selector);
        TestResources.node(client, b, "192.0.2.42", selector);
        client.resource(TestResources.hostBond(id, selector)).create();
        // The operator writes its part of the status first; agents only start once their DaemonSet exists.
        awaitStatus(id, s -> "0/2".equals(s.nodesReady));

        TestResources.reportBond(client, id, a, Phase.Applied, "eth0", null);
        TestResources.reportBond(client, id, b, Phase.Applied, "eth0", null);
        HostBond applied = awaitStatus(id, s -> "2/2".equals(s.nodesReady));
        assertThat(ready(applied).getStatus()).isEqualTo("True");
        assertThat(ready(applied).getReason()).isEqualTo("Applied");
        assertThat(degraded(applied).getStatus()).isEqualTo("False");
        assertThat(applied.getStatus().nodes).as("the agents' entries survive the operator's patches")
                .containsOnlyKeys(a, b);
        assertThat(applied.getStatus().nodes.get(a).active).isEqualTo("eth0");

        TestResources.reportBond(client, id, b, Phase.RolledBack, "eth0", "gateway 192.0.2.1 unreachable after applying");
        HostBond rolledBack = awaitStatus(id, s -> Conditions.isTrue(s.conditions, Conditions.DEGRADED));
        assertThat(rolledBack.getStatus().nodesReady).isEqualTo("1/2");
        assertThat(degraded(rolledBack).getMessage()).contains(b).contains("RolledBack")
                .contains("gateway 192.0.2.1 unreachable").doesNotContain(a);
        assertThat(ready(rolledBack).getStatus()).isEqualTo("False");
        assertThat(ready(rolledBack).getReason()).isEqualTo("NodesNotReady");
        assertThat(ready(rolledBack).getMessage()).contains(b);

        // Told once, as a Warning Event on the HostBond, however many reconciles follow; and counted by phase.
        await().atMost(WAIT).untilAsserted(() -> assertThat(rollbackEvents(b)).hasSize(1));
        client.resources(HostBond.class).withName(id).edit(h -> {
            h.getMetadata().setAnnotations(Map.of("touched", "again"));
            return h;
        });
        await().during(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> assertThat(rollbackEvents(b)).hasSize(1));
        assertThat(rollbackEvents(b).getFirst().getMessage()).isEqualTo(b
                + " rolled back its network change: gateway 192.0.2.1 unreachable after applying");
        assertThat(meters.get("tandem.operator.hostbond.nodes").tag("hostbond", id).tag("phase", "RolledBack")
                .gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("tandem.operator.hostbond.nodes").tag("hostbond", id).tag("phase", "Applied")
                .gauge().value()).isEqualTo(1.0);
    }

    private java.util.List<io.fabric8.kubernetes.api.model.Event> rollbackEvents(String node) {
        return client.v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> HostBondRollbacks.ROLLED_BACK.equals(e.getReason()) && id.equals(e.getInvolvedObject().getName())
                        && e.getMessage().startsWith(node + " "))
                .toList();
    }

    @Test
    void aNodeThatStartsToMatchIsCountedWithoutTouchingTheHostBond() {
        Map<String, String> selector = Map.of(UPLINKS, id);
        String a = id + "-a";
        String b = id + "-b";
        String c = id + "-c";
        TestResources.node(client, a, "192.0.2.51", selector);
        TestResources.node(client, b, "192.0.2.52", selector);
        TestResources.node(client, c, "192.0.2.53", Map.of());
        client.resource(TestResources.hostBond(id, selector)).create();
        awaitStatus(id, s -> "0/2".equals(s.nodesReady));
        TestResources.reportBond(client, id, a, Phase.Applied, "eth0", null);
        TestResources.reportBond(client, id, b, Phase.Applied, "eth0", null);
        HostBond before = awaitStatus(id, s -> "2/2".equals(s.nodesReady));
        long generation = before.getMetadata().getGeneration();

        client.nodes().withName(c).edit(n -> {
            Map<String, String> labels = new HashMap<>(n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels());
            labels.putAll(selector);
            n.getMetadata().setLabels(labels);
            return n;
        });
        HostBond after = awaitStatus(id, s -> "2/3".equals(s.nodesReady));
        assertThat(after.getMetadata().getGeneration()).isEqualTo(generation);
        assertThat(ready(after).getStatus()).isEqualTo("False");
        assertThat(ready(after).getMessage()).contains(c + " has not reported");
    }

    @Test
    void anUpdelayThatIsNoMultipleOfMiimonIsRefusedAndNothingRuns() {
        Map<String, String> selector = Map.of(UPLINKS, id);
        TestResources.node(client, id + "-a", "192.0.2.61", selector);
        HostBond bond = TestResources.hostBond(id, selector);
        bond.getSpec().bond.miimon = 100;
        bond.getSpec().bond.updelay = 150;
        client.resource(bond).create();

        HostBond seen = awaitStatus(id, s -> Conditions.find(s.conditions, Conditions.READY) != null);
        assertThat(ready(seen).getStatus()).isEqualTo("False");
        assertThat(ready(seen).getReason()).isEqualTo("InvalidSpec");
        assertThat(ready(seen).getMessage()).contains("spec.bond.updelay").contains("150").contains("100");
        // The status is written after the children in the same reconcile: had there been a DaemonSet, it would exist.
        assertThat(client.apps().daemonSets().inNamespace(operatorNs).withName(ChildNames.bond(id)).get()).isNull();
    }

    @Test
    void aBondBlockInModeRoutedIsRefusedAndNothingRuns() {
        Map<String, String> selector = Map.of(UPLINKS, id);
        TestResources.node(client, id + "-a", "192.0.2.71", selector);
        HostBond bond = TestResources.hostBond(id, selector);
        bond.getSpec().mode = HostBondSpec.Mode.routed;
        bond.getSpec().routed = new RoutedSpec();
        bond.getSpec().routed.uplinks = List.of(uplink("eth0", "192.0.2.1"), uplink("wlan0", "192.168.1.1"));
        client.resource(bond).create();

        HostBond seen = awaitStatus(id, s -> Conditions.find(s.conditions, Conditions.READY) != null);
        assertThat(ready(seen).getReason()).isEqualTo("InvalidSpec");
        assertThat(ready(seen).getMessage()).contains("spec.bond").contains("mode routed");
        assertThat(client.apps().daemonSets().inNamespace(operatorNs).withName(ChildNames.bond(id)).get()).isNull();
    }

    @Test
    void deletingTheHostBondRemovesItsDaemonSet() {
        Map<String, String> selector = Map.of(UPLINKS, id);
        TestResources.node(client, id + "-a", "192.0.2.81", selector);
        client.resource(TestResources.hostBond(id, selector)).create();
        awaitDaemonSet(id);
        awaitStatus(id, s -> s.nodesReady != null);

        client.resources(HostBond.class).withName(id).delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.resources(HostBond.class).withName(id).get()).isNull();
            assertThat(client.apps().daemonSets().inNamespace(operatorNs).withName(ChildNames.bond(id)).get()).isNull();
        });
    }

    private static UplinkSpec uplink(String name, String gateway) {
        UplinkSpec u = new UplinkSpec();
        u.interfaceName = name;
        u.gateway = gateway;
        return u;
    }

    private DaemonSet awaitDaemonSet(String bond) {
        return await().atMost(WAIT).until(
                () -> client.apps().daemonSets().inNamespace(operatorNs).withName(ChildNames.bond(bond)).get(),
                d -> d != null);
    }

    private HostBond awaitStatus(String name, Predicate<HostBondStatus> test) {
        return await().atMost(WAIT).until(
                () -> client.resources(HostBond.class).withName(name).get(),
                b -> b != null && b.getStatus() != null && test.test(b.getStatus()));
    }

    private static Condition ready(HostBond bond) {
        return Conditions.find(bond.getStatus().conditions, Conditions.READY);
    }

    private static Condition degraded(HostBond bond) {
        return Conditions.find(bond.getStatus().conditions, Conditions.DEGRADED);
    }
}
