package dev.tandem.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.digitalocean.DigitalOceanSimulator.SameDropletAssign;
import dev.tandem.provider.sim.BearerClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.tandem.provider.digitalocean.DigitalOceanFixture.ADDRESS;
import static dev.tandem.provider.digitalocean.DigitalOceanFixture.TOKEN;
import static dev.tandem.provider.sim.BearerClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The simulator follows the documented API: what the provider tests rely on is checked here with raw requests. */
class DigitalOceanSimulatorTest {
    private final DigitalOceanFixture f = new DigitalOceanFixture();
    private final DigitalOceanSimulator sim = f.sim;
    private final BearerClient http = new BearerClient();

    @AfterEach
    void close() {
        f.close();
        http.close();
    }

    @Test
    void aDropletIdSentAsAStringIsAccepted() throws Exception {
        HttpResponse<String> r = post("{\"type\":\"assign\",\"droplet_id\":\"102\"}", TOKEN);

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(json(r).at("/action/status").asText()).isEqualTo("in-progress");
        f.clock.advance(Duration.ofSeconds(3));
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
    }

    @Test
    void whileAnActionRunsTheIpIsLockedAndNewActionsGetTheDocumented422() throws Exception {
        HttpResponse<String> first = post("{\"type\":\"assign\",\"droplet_id\":102}", TOKEN);
        assertThat(first.statusCode()).isEqualTo(201);

        JsonNode ip = json(get("/v2/reserved_ips/" + ADDRESS)).get("reserved_ip");
        assertThat(ip.get("locked").asBoolean()).isTrue();
        assertThat(ip.get("droplet").isNull()).as("no droplet shown while assigning").isTrue();
        assertThat(ip.at("/links/actions/0/id").asLong())
                .isEqualTo(json(first).at("/action/id").asLong());

        HttpResponse<String> second = post("{\"type\":\"unassign\"}", TOKEN);
        assertThat(second.statusCode()).isEqualTo(422);
        assertThat(json(second).get("message").asText())
                .isEqualTo("The floating IP already has a pending event.");
    }

    @Test
    void anAssignToTheHolderIsANoOpActionOrA422AsSwitched() throws Exception {
        HttpResponse<String> noop = post("{\"type\":\"assign\",\"droplet_id\":101}", TOKEN);
        assertThat(noop.statusCode()).isEqualTo(201);
        assertThat(json(noop).at("/action/status").asText()).isEqualTo("completed");

        sim.sameDropletAssign(SameDropletAssign.REJECT_422);
        assertThat(post("{\"type\":\"assign\",\"droplet_id\":101}", TOKEN).statusCode()).isEqualTo(422);
        assertThat(sim.holderOf(ADDRESS)).contains(101L);
    }

    @Test
    void aWrongTokenGetsTheDocumented401() throws Exception {
        HttpResponse<String> r = post("{\"type\":\"unassign\"}", "nope");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("id").asText()).isEqualTo("unauthorized");
        assertThat(sim.holderOf(ADDRESS)).contains(101L);
    }

    @Test
    void everyAnswerCarriesTheRateLimitHeadersAndTheLimitGives429WithRetryAfter() throws Exception {
        sim.rateLimit(2, Duration.ofMinutes(1));

        HttpResponse<String> ok = get("/v2/reserved_ips/" + ADDRESS);
        assertThat(ok.headers().firstValue("ratelimit-limit")).contains("2");
        assertThat(ok.headers().firstValue("ratelimit-remaining")).contains("1");
        assertThat(ok.headers().firstValue("ratelimit-reset"))
                .contains(String.valueOf(f.clock.instant().plusSeconds(60).getEpochSecond()));
        get("/v2/reserved_ips/" + ADDRESS);
        f.clock.advance(Duration.ofSeconds(15));

        HttpResponse<String> limited = get("/v2/reserved_ips/" + ADDRESS);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(json(limited).get("id").asText()).isEqualTo("too_many_requests");
        assertThat(limited.headers().firstValue("ratelimit-remaining")).contains("0");
        assertThat(limited.headers().firstValue("retry-after")).contains("45");

        f.clock.advance(Duration.ofSeconds(45));
        assertThat(get("/v2/reserved_ips/" + ADDRESS).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> post(String body, String token) throws Exception {
        return http.post(sim.url() + "/v2/reserved_ips/" + ADDRESS + "/actions", token, body);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.get(sim.url() + path, TOKEN);
    }
}
