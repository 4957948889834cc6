package dev.tandem.provider.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.hetzner.HetznerSimulator.SameServerAssign;
import dev.tandem.provider.sim.BearerClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.tandem.provider.hetzner.HetznerFixture.TOKEN;
import static dev.tandem.provider.sim.BearerClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The simulator follows the documented API: what the provider tests rely on is checked here with raw requests. */
class HetznerSimulatorTest {
    private final HetznerFixture f = new HetznerFixture();
    private final HetznerSimulator sim = f.sim;
    private final BearerClient http = new BearerClient();

    @AfterEach
    void close() {
        f.close();
        http.close();
    }

    @Test
    void listsArePagedBy25ByDefaultAndAtMost50() throws Exception {
        for (int i = 1; i <= 59; i++) {
            sim.floatingIp("192.0.2." + i, null);
        }

        HttpResponse<String> first = get("/floating_ips", TOKEN);
        JsonNode body = json(first);
        assertThat(body.get("floating_ips")).hasSize(25);
        assertThat(body.at("/meta/pagination/next_page").asInt()).isEqualTo(2);
        assertThat(body.at("/meta/pagination/previous_page").isNull()).isTrue();
        assertThat(body.at("/meta/pagination/last_page").asInt()).isEqualTo(3);
        assertThat(body.at("/meta/pagination/total_entries").asInt()).isEqualTo(60);
        assertThat(first.headers().firstValue("Link").orElseThrow()).contains("rel=\"next\"", "rel=\"last\"");

        JsonNode big = json(get("/floating_ips?page=2&per_page=500", TOKEN));
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
        assertThat(json(limited).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(limited.headers().firstValue("RateLimit-Remaining")).contains("0");

        f.clock.advance(Duration.ofSeconds(1));
        assertThat(get("/floating_ips/" + f.fip, TOKEN).statusCode()).isEqualTo(200);
        assertThat(get("/floating_ips/" + f.fip, TOKEN).statusCode()).isEqualTo(429);
    }

    @Test
    void whileAnActionRunsTheFloatingIpIsLocked() throws Exception {
        HttpResponse<String> first = post("/floating_ips/" + f.fip + "/actions/assign", "{\"server\":43}");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(json(first).at("/action/status").asText()).isEqualTo("running");

        HttpResponse<String> second = post("/floating_ips/" + f.fip + "/actions/unassign", "");
        assertThat(second.statusCode()).isEqualTo(423);
        assertThat(json(second).at("/error/code").asText()).isEqualTo("locked");

        f.clock.advance(Duration.ofSeconds(2));
        long action = json(first).at("/action/id").asLong();
        JsonNode done = json(get("/actions/" + action, TOKEN));
        assertThat(done.at("/action/status").asText()).isEqualTo("success");
        assertThat(sim.holderOf(f.fip)).contains(43L);
    }

    @Test
    void anAssignToTheHolderIsA422OrAnActionAsSwitched() throws Exception {
        HttpResponse<String> rejected = post("/floating_ips/" + f.fip + "/actions/assign", "{\"server\":42}");
        assertThat(rejected.statusCode()).isEqualTo(422);
        assertThat(json(rejected).at("/error/code").asText()).isEqualTo("floating_ip_assigned");

        sim.sameServerAssign(SameServerAssign.ACCEPT_201);
        assertThat(post("/floating_ips/" + f.fip + "/actions/assign", "{\"server\":42}").statusCode())
                .isEqualTo(201);
        assertThat(sim.holderOf(f.fip)).contains(42L);
    }

    @Test
    void aWrongTokenGetsTheDocumented401() throws Exception {
        HttpResponse<String> r = get("/floating_ips", "nope");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("unauthorized");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.get(sim.apiUrl() + path, token);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.post(sim.apiUrl() + path, TOKEN, body);
    }
}
