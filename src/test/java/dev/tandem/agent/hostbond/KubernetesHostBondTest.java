package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.NodeBondStatus;
import dev.tandem.api.v1alpha1.NodeBondStatus.Phase;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bond agent's Kubernetes mode against the Fabric8 mock API server (CRUD mode, no Quarkus), with the node's
 * kernel played by {@link FakeHost}: it applies each generation of its HostBond, writes only its own
 * {@code status.nodes} entry while the operator and another node write theirs, and records Events.
 */
class KubernetesHostBondTest {
    KubernetesMockServer server;
    KubernetesClient client;
    KubernetesHostBond agent;

    @BeforeEach
    void setUp() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        client = server.createClient();
        try (InputStream in = Files.newInputStream(Path.of("crds", "hostbonds.tandem.dev.yaml"))) {
            client.resource(client.apiextensions().v1().customResourceDefinitions().load(in).item()).create();
        }
    }

    @AfterEach
    void tearDown() {
        if (agent != null) agent.close();
        if (client != null) client.close();
        if (server != null) server.destroy();
    }

    HostBond hostBond(HostBondSpec spec) {
        HostBond b = new HostBond();
        b.setMetadata(new ObjectMetaBuilder().withName("uplinks").build());
        b.setSpec(spec);
        return b;
    }

    NodeBondStatus entry(String node) {
        HostBond b = client.resources(HostBond.class).withName("uplinks").get();
        return b.getStatus() == null || b.getStatus().nodes == null ? null : b.getStatus().nodes.get(node);
    }

    List<Event> events() {
        return client.v1().events().inNamespace("default").list().getItems();
    }

    @Test
    void appliesReportsItsOwnEntryOnlyAndRecordsEvents() {
        client.resource(hostBond(Specs.routed("eth0", "10.0.1.1", "eth1", "10.0.2.1"))).create();
        // The operator's part and another node's entry, written before this agent starts.
        client.resources(HostBond.class).withName("uplinks").subresource("status").patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"nodesReady\":\"0/2\",\"nodes\":{\"node-b\":"
                        + "{\"phase\":\"Applied\",\"active\":\"wlan0\"}}}}");
        FakeHost host = HostBondRunTest.twoUplinks();
        agent = new KubernetesHostBond(client, "uplinks", "node-a", host, Thread.ofPlatform().factory(),
                Clock.systemUTC()).start();

        await().atMost(Duration.ofSeconds(10)).until(() -> entry("node-a") != null
                && entry("node-a").phase == Phase.Applied);
        HostBond seen = client.resources(HostBond.class).withName("uplinks").get();
        assertThat(seen.getStatus().nodesReady).as("the operator's field is untouched").isEqualTo("0/2");
        assertThat(seen.getStatus().nodes.get("node-b").active).as("another node's entry is untouched")
                .isEqualTo("wlan0");
        NodeBondStatus mine = entry("node-a");
        assertThat(mine.active).isEqualTo("eth0");
        assertThat(mine.lastChange).isNotBlank();
        assertThat(mine.message).contains("the gateway of eth0 answered").contains("the API server answered");
        await().atMost(Duration.ofSeconds(5)).until(() -> events().stream().anyMatch(e -> "Applied".equals(e.getReason())));
        Event applied = events().stream().filter(e -> "Applied".equals(e.getReason())).findFirst().orElseThrow();
        assertThat(applied.getInvolvedObject().getKind()).isEqualTo("HostBond");
        assertThat(applied.getInvolvedObject().getName()).isEqualTo("uplinks");
        assertThat(applied.getMessage()).startsWith("node-a: applied routed uplinks");
        assertThat(applied.getSource().getHost()).isEqualTo("node-a");

        host.answers = (iface, gateway) -> !iface.equals("eth0");
        await().atMost(Duration.ofSeconds(10)).until(() -> "eth1".equals(entry("node-a").active));
        assertThat(entry("node-a").message).startsWith("traffic moved from eth0 to eth1");
        await().atMost(Duration.ofSeconds(5)).until(() -> events().stream()
                .anyMatch(e -> "ActiveLinkChanged".equals(e.getReason()) && "Warning".equals(e.getType())));
    }

    @Test
    void aNewGenerationIsAppliedAndOneThatFailsItsProbesIsRolledBack() {
        HostBond created = client.resource(hostBond(Specs.routed("eth0", "10.0.1.1", "eth1", "10.0.2.1"))).create();
        FakeHost host = HostBondRunTest.twoUplinks();
        agent = new KubernetesHostBond(client, "uplinks", "node-a", host, Thread.ofPlatform().factory(),
                Clock.systemUTC()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> entry("node-a") != null
                && entry("node-a").phase == Phase.Applied);
        List<String> applied = host.routes();

        // A typo in the new spec: eth0's gateway .9 does not answer, eth1's neither.
        host.answers = (iface, gateway) -> gateway[3] != 9;
        client.resources(HostBond.class).withName("uplinks").edit(b -> {
            b.getSpec().routed.uplinks.get(0).gateway = "10.0.1.9";
            b.getSpec().routed.uplinks.get(1).gateway = "10.0.2.9";
            b.getSpec().rollback.timeout = "5s";
            return b;
        });
        assertThat(client.resources(HostBond.class).withName("uplinks").get().getMetadata().getGeneration())
                .as("the mock server counts generations").isGreaterThan(created.getMetadata().getGeneration());
        await().atMost(Duration.ofSeconds(20)).until(() -> entry("node-a").phase == Phase.RolledBack);
        assertThat(entry("node-a").message).contains("no uplink's gateway answered")
                .contains("restored the configuration recorded before the change")
                .contains("the previous settings run again");
        assertThat(host.routes()).containsExactlyInAnyOrderElementsOf(applied);
        await().atMost(Duration.ofSeconds(5)).until(() -> events().stream()
                .anyMatch(e -> "RolledBack".equals(e.getReason()) && "Warning".equals(e.getType())));
    }

    @Test
    void aPodAppliesOnlyTheGenerationItWasMadeForAndIsReadyWhileItHoldsIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        HostBond created = client.resource(hostBond(Specs.routed("eth0", "10.0.1.1", "eth1", "10.0.2.1"))).create();
        FakeHost host = HostBondRunTest.twoUplinks();
        Path ready = dir.resolve("applied");
        agent = new KubernetesHostBond(client, "uplinks", "node-a", host, Thread.ofPlatform().factory(),
                Clock.systemUTC(), created.getMetadata().getGeneration(), ready).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
        assertThat(agent.report().current().phase).isEqualTo(Phase.Applied);
        List<String> routes = host.routes();
        host.log.clear();

        client.resources(HostBond.class).withName("uplinks").edit(b -> {
            b.getSpec().routed.uplinks.get(1).metric = 300;
            return b;
        });
        // The new generation waits for the DaemonSet to replace this pod; the node keeps what it has.
        Thread.sleep(1_000);
        assertThat(host.routes()).isEqualTo(routes);
        assertThat(host.log).noneMatch(l -> l.contains("metric 300"));
        assertThat(Files.exists(ready)).isTrue();

        agent.close();
        agent = null;
        assertThat(Files.exists(ready)).as("a stopped agent's pod is not ready").isFalse();
    }
}
