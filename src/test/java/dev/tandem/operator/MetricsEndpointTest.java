package dev.tandem.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The operator's Prometheus endpoint exposes the reconcile metrics the README documents. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class MetricsEndpointTest {
    @Inject
    KubernetesClient client;
    @Inject
    OperatorLifecycle operator;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    @Test
    void reconcilesAreCountedPerController() throws Exception {
        TestCluster.prepare(client, operator);
        String ns = TestResources.namespace(client);
        TestResources.node(client, "lb-1", "192.0.2.11", Map.of());
        TestResources.node(client, "lb-2", "192.0.2.12", Map.of());
        client.resource(TestResources.pair(ns, "metered", "lb-1", "lb-2")).create();

        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(scrape(http)).contains(
                "tandem_operator_resources{kind=\"FailoverPair\",ready=\"false\",reason=\"NoActiveMember\"}",
                "operator_sdk_reconciliations_success_total{",
                "operator_sdk_controllers_execution_reconcile_seconds_count{"));

        TestResources.report(client, ns, "metered", "lb-1", "MASTER");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(scrape(http))
                .contains("tandem_operator_active_member_changes_total{namespace=\"" + ns + "\",pair=\"metered\",reason=\"MasterDown\"} 1.0")
                .contains("tandem_operator_pair_members{namespace=\"" + ns + "\",pair=\"metered\",state=\"MASTER\"} 1.0")
                .contains("tandem_operator_pair_members{namespace=\"" + ns + "\",pair=\"metered\",state=\"UNKNOWN\"} 1.0")
                .contains("tandem_operator_pair_active_member{member=\"lb-1\",namespace=\"" + ns + "\",pair=\"metered\"} 1.0")
                .contains("tandem_operator_pair_active_member{member=\"lb-2\",namespace=\"" + ns + "\",pair=\"metered\"} 0.0")
                .doesNotContain("resource_name=").as("series per controller, never per resource")
                .containsPattern("tandem_operator_resources\\{kind=\"FailoverPair\",ready=\"true\",reason=\"Active\"} [1-9]"));
    }

    private String scrape(HttpClient http) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
