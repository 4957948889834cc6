package dev.tandem.agent;

import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's own HTTP endpoints on loopback: readiness follows the election, metrics are Prometheus text. */
class AgentEndpointsTest {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AgentHealth health = new AgentHealth();
    AgentEndpoints endpoints;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        endpoints = AgentEndpoints.start(0, registry, health);
    }

    @AfterEach
    void stop() {
        endpoints.close();
    }

    @Test
    void readinessIsDownUntilTheElectionRunsAndFollowsItsState() throws Exception {
        HttpResponse<String> before = get("/q/health/ready");
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.body()).contains("\"status\":\"DOWN\"").contains("INITIALIZE")
                .contains("the election has not started");

        health.transition(new Action.BecomeBackup(RouterState.INITIALIZE, Reason.STARTUP), -1);
        assertThat(get("/q/health/ready").statusCode()).isEqualTo(200);

        health.transition(new Action.BecomeMaster(RouterState.BACKUP, Reason.MASTER_DOWN, List.of()), 120);
        HttpResponse<String> master = get("/q/health/ready");
        assertThat(master.statusCode()).isEqualTo(200);
        assertThat(master.body()).contains("\"state\":\"MASTER\"").contains(Reason.MASTER_DOWN.label());

        health.transition(new Action.EnterFault(RouterState.MASTER, Reason.INTERFACE_DOWN, "eth0 has no carrier"), -1);
        HttpResponse<String> fault = get("/q/health/ready");
        assertThat(fault.statusCode()).isEqualTo(503);
        assertThat(fault.body()).contains("FAULT").contains("eth0 has no carrier");
        assertThat(get("/q/health/live").statusCode()).as("a FAULT member is alive: a restart mends no cable")
                .isEqualTo(200);
    }

    @Test
    void metricsAreServedAsPrometheusText() throws Exception {
        registry.counter("tandem_agent_test_total", "pair", "web").increment(3);
        HttpResponse<String> r = get("/q/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(r.body()).contains("tandem_agent_test_total{pair=\"web\",} 3.0");
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        assertThat(get("/q/metrics/extra").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/q/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + endpoints.port() + path);
    }
}
