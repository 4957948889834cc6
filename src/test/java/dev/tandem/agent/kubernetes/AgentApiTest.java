package dev.tandem.agent.kubernetes;

import dev.tandem.operator.TestResources;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.MemberStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent's one write to the pair's status: its own entry, whether or not the status exists yet. */
@QuarkusTest
@TestProfile(AgentModeProfile.class)
@WithKubernetesTestServer(crud = true)
class AgentApiTest {
    @Inject
    KubernetesClient client;
    @KubernetesTestServer
    KubernetesServer server;

    String ns;
    AgentApi api;

    @BeforeEach
    void setUp() {
        ClusterFixtures.installCrds(client);
        ns = ClusterFixtures.namespace(client);
        client.resource(TestResources.pair(ns, "web", "lb-1", "lb-2")).create();
        api = new AgentApi(client, ns, "web", Duration.ofSeconds(2));
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    static MemberStatus entry(MemberStatus.State state, String... holds) {
        MemberStatus m = new MemberStatus(state, 200);
        m.lastSeen = "2030-01-01T00:00:00Z";
        m.holds = List.of(holds);
        m.checks = Map.of("haproxy", "passing");
        return m;
    }

    @Test
    void whenTheEntrysParentsAreMissingTheReportCreatesThemWithAMergePatch() throws InterruptedException {
        // A real API server refuses to add below a path that does not exist (422); the mock server would create the
        // parents, so it is told to answer as a real one does, once.
        server.expect().patch().withPath("/apis/tandem.dev/v1alpha1/namespaces/" + ns + "/failoverpairs/web/status")
                .andReturn(AgentApi.UNPROCESSABLE, new StatusBuilder().withCode(AgentApi.UNPROCESSABLE)
                        .withReason("Invalid").withMessage("doc is missing path: \"/status/members/lb-1\"").build())
                .once();

        api.reportMember("lb-1", entry(MemberStatus.State.BACKUP, "vip-a"));

        var fallback = server.getLastRequest(); // the JSON Patch was refused: a merge patch followed
        assertThat(fallback.getMethod()).isEqualTo("PATCH");
        assertThat(fallback.getHeader("Content-Type")).startsWith("application/merge-patch+json");
        MemberStatus first = ClusterFixtures.member(client, ns, "web", "lb-1");
        assertThat(first.state).isEqualTo(MemberStatus.State.BACKUP);
        assertThat(first.holds).containsExactly("vip-a");
        assertThat(first.checks).containsExactly(Map.entry("haproxy", "passing"));
    }

    @Test
    void aReportReplacesTheWholeEntryAndNothingElse() {
        ClusterFixtures.resolve(client, ns, "web", 7, Map.of("lb-1", "192.0.2.11", "lb-2", "192.0.2.12"));
        ClusterFixtures.report(client, ns, "web", "lb-2", entry(MemberStatus.State.MASTER, "vip-a", "vip-b"));
        api.reportMember("lb-1", entry(MemberStatus.State.MASTER, "vip-a", "vip-b"));

        MemberStatus backup = entry(MemberStatus.State.BACKUP);
        backup.checks = Map.of();
        api.reportMember("lb-1", backup);

        FailoverPair pair = client.resources(FailoverPair.class).inNamespace(ns).withName("web").get();
        MemberStatus lb1 = pair.getStatus().members.get("lb-1");
        assertThat(lb1.state).isEqualTo(MemberStatus.State.BACKUP);
        assertThat(lb1.holds).as("lists are replaced, not merged").isEmpty();
        assertThat(lb1.checks).isEmpty();
        assertThat(pair.getStatus().members.get("lb-2").holds).containsExactly("vip-a", "vip-b");
        assertThat(pair.getStatus().virtualRouterId).isEqualTo(7);
        assertThat(pair.getStatus().memberAddresses).containsEntry("lb-1", "192.0.2.11");
    }

    @Test
    void aMissingPairIsAnErrorForTheCallerToRetry() {
        client.resources(FailoverPair.class).inNamespace(ns).withName("web").delete();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> client.resources(FailoverPair.class).inNamespace(ns).withName("web").get() == null);
        assertThatThrownBy(() -> api.reportMember("lb-1", entry(MemberStatus.State.BACKUP)))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }
}
