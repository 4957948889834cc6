package dev.tandem.provider.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.provider.hetzner.HetznerSimulator.SameServerAssign;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.tandem.provider.hetzner.HetznerFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** The simulator follows the documented API: what the provider tests rely on is checked here with raw requests. */
class HetznerSimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HetznerFixture f = new HetznerFixture();
    private final HetznerSimulator sim = f.sim;
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        f.close();
        client.close();
    }

    @Test
    void listsArePagedBy25ByDefaultAndAtMost50() throws Exception {
        for (int i = 1; i <= 59; i++) {
            sim.floatingIp("192.0.2." + i, null);
        }

        HttpResponse<String> first = get("/floating_ips", TOKEN);
        JsonNode body = JSON.readTree(first.body());
        assertThat(body.get("floating_ips")).hasSize(25);
        assertThat(body.at("/meta/pagination/next_page").asInt()).isEqualTo(2);
        assertThat(body.at("/meta/pagination/previous_page").isNull()).isTrue();
        assertThat(body.at("/meta/pagination/last_page").asInt()).isEqualTo(3);
        assertThat(body.at("/meta/pagination/total_entries").asInt()).isEqualTo(60);
        assertThat(first.headers().firstValue("Link").orElseThrow()).contains("rel=\"next\"", "rel=\"last\"");

        JsonNode big = JSON.readTree(get("/floating_ips?page=2&per_page=500", TOKEN).body());
        assertThat(big.get("floating_ips")).hasSize(10);
        assertThat(big.at("/meta/pagination/per_page").asInt()).isEqualTo(50);
        assertThat(big.at("/meta/pagination/next_page").isNull()).isTrue();
    }

    @Test
    void theTokenBucketRefillsOneRequestASecondAndAnswers429WhenEmpty() throws Exception {
        sim.rateLimit(2);

        HttpResponse<String> ok = get("/floating_ips/" + f.fip, TOKEN);
        assertThat(ok.headers().firstValue("RateLimit-Limit")).contains("2");
        assertThat(ok.headers().firstValue("RateLimit-Remaining")).contains("1");
        assertThat(ok.headers().firstValue("RateLimit-Reset"))
                .contains(String.valueOf(f.clock.instant().plusSeconds(1).getEpochSecond()));
        get("/floating_ips/" + f.fip, TOKEN);

        HttpResponse<String> limited = get("/floating_ips/" + f.fip, TOKEN);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(limited.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(limited.headers().firstValue("RateLimit-Remaining")).contains("0");

        f.clock.advance(Duration.ofSeconds(1));
        assertThat(get("/floating_ips/" + f.fip, TOKEN).statusCode()).isEqualTo(200);
        assertThat(get("/floating_ips/" + f.fip, TOKEN).statusCode()).isEqualTo(429);
    }

    @Test
    void whileAnActionRunsTheFloatingIpIsLocked() throws Exception {
        HttpResponse<String> first = post("/floating_ips/" + f.fip + "/actions/assign", "{\"server\":43}");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(first.body()).at("/action/status").asText()).isEqualTo("running");

        HttpResponse<String> second = post("/floating_ips/" + f.fip + "/actions/unassign", "");
        assertThat(second.statusCode()).isEqualTo(423);
        assertThat(JSON.readTree(second.body()).at("/error/code").asText()).isEqualTo("locked");

        f.clock.advance(Duration.ofSeconds(2));
        long action = JSON.readTree(first.body()).at("/action/id").asLong();
        JsonNode done = JSON.readTree(get("/actions/" + action, TOKEN).body());
        assertThat(done.at("/action/status").asText()).isEqualTo("success");
        assertThat(sim.holderOf(f.fip)).contains(43L);
    }

    @Test
    void anAssignToTheHolderIsA422OrAnActionAsSwitched() throws Exception {
        HttpResponse<String> rejected = post("/floating_ips/" + f.fip + "/actions/assign", "{\"server\":42}");
        assertThat(rejected.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(rejected.body()).at("/error/code").asText()).isEqualTo("floating_ip_assigned");

        sim.sameServerAssign(SameServerAssign.ACCEPT_201);
        assertThat(post("/floating_ips/" + f.fip + "/actions/assign", "{\"server\":42}").statusCode())
                .isEqualTo(201);
        assertThat(sim.holderOf(f.fip)).contains(42L);
    }

    @Test
    void aWrongTokenGetsTheDocumented401() throws Exception {
        HttpResponse<String> r = get("/floating_ips", "nope");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("unauthorized");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(sim.apiUrl() + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(sim.apiUrl() + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
