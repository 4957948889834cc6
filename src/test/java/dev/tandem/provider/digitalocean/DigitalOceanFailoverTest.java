package dev.tandem.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.actions.ActionProviderFailoverContract;
import dev.tandem.provider.digitalocean.DigitalOceanSimulator.SameDropletAssign;
import dev.tandem.provider.sim.HttpSimulator.Request;
import dev.tandem.provider.sim.HttpSimulator.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Map;

import static dev.tandem.provider.digitalocean.DigitalOceanFixture.ADDRESS;
import static dev.tandem.provider.digitalocean.DigitalOceanFixture.B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving a reserved IP between two droplets: the contract of action-based providers, and what DigitalOcean does its
 * own way: a locked reserved IP is waited for before posting, 422 "pending event", a sliding-window rate limit whose
 * 429 may lack Retry-After, and either answer to an assign to the holder.
 */
class DigitalOceanFailoverTest extends ActionProviderFailoverContract {
    private final DigitalOceanFixture f = new DigitalOceanFixture();
    private final DigitalOceanSimulator sim = f.sim;

    @Override
    protected DigitalOceanFixture fixture() {
        return f;
    }

    @Override
    protected void assertIsUnassign(Request request) {
        assertThat(request.path()).isEqualTo("/v2/reserved_ips/" + ADDRESS + "/actions");
        assertThat(request.json().toString()).isEqualTo("{\"type\":\"unassign\"}");
    }

    @Test
    void theAssignRequestIsExactlyTheDocumentedOne() throws Exception {
        f.provider().assign(B, MasterGuard.ALWAYS);

        Request post = sim.mutatingRequests().getFirst();
        assertThat(post.path()).isEqualTo("/v2/reserved_ips/" + ADDRESS + "/actions");
        assertThat(post.header("Content-Type")).isEqualTo("application/json");
        assertThat(post.header("Authorization")).isEqualTo("Bearer " + DigitalOceanFixture.TOKEN);
        JsonNode body = post.json();
        assertThat(body.size()).isEqualTo(2);
        assertThat(body.get("type").asText()).isEqualTo("assign");
        assertThat(body.get("droplet_id").isIntegralNumber()).as("droplet_id is a JSON integer").isTrue();
        assertThat(body.get("droplet_id").asLong()).isEqualTo(102L);
    }

    @Test
    void aMoveWhileAnotherActionIsPendingWaitsForTheLockThenAssigns() throws Exception {
        sim.actionDuration(Duration.ofSeconds(4));
        sim.startAction(ADDRESS, "assign_ip", 101L); // someone else's action keeps the reserved IP locked for 4 s
        sim.actionDuration(Duration.ofSeconds(2));

        f.provider().assign(B, MasterGuard.ALWAYS);

        assertThat(sim.holderOf(ADDRESS)).contains(102L);
        assertThat(f.retryWaits).as("BUSY was retried with backoff").isNotEmpty();
        assertThat(sim.mutatingRequests()).as("no POST while locked").hasSize(1);
    }

    @Test
    void aPendingEventAnswerIsBusyAndRetried() throws Exception {
        sim.failNextActionPosts(1, Response.json(422, Map.of("id", "unprocessable_entity",
                "message", DigitalOceanSimulator.PENDING_EVENT)));

        f.provider().assign(B, MasterGuard.ALWAYS);

        assertThat(sim.mutatingRequests()).hasSize(2);
        assertThat(f.retryWaits).hasSize(1);
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
    }

    @Test
    void aRateLimitedCallWaitsAsLongAsRetryAfterSays() throws Exception {
        sim.actionDuration(Duration.ZERO);
        sim.rateLimit(3, Duration.ofMinutes(1));
        DigitalOceanProvider provider = f.provider();
        provider.holder();
        provider.holder();

        provider.assign(B, MasterGuard.ALWAYS); // GET is the third request; the POST is refused with retry-after: 60

        assertThat(f.retryWaits).containsExactly(Duration.ofSeconds(60));
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
    }

    @Test
    void withoutRetryAfterTheRateLimitResetIsHonoured() throws Exception {
        sim.actionDuration(Duration.ZERO);
        sim.rateLimit(3, Duration.ofMinutes(1));
        sim.retryAfterOn429(false);
        DigitalOceanProvider provider = f.provider();
        provider.holder();
        provider.holder();
        f.clock.advance(Duration.ofSeconds(20));

        provider.assign(B, MasterGuard.ALWAYS); // the POST is the fourth request within a minute

        // ratelimit-remaining 0 and ratelimit-reset: the two oldest requests (20 s ago) expire in 40 s.
        assertThat(f.retryWaits).containsExactly(Duration.ofSeconds(40));
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
    }

    @ParameterizedTest
    @EnumSource(SameDropletAssign.class)
    void aRaceIntoAnAssignToTheHolderIsSuccessWhicheverWayDigitalOceanAnswers(SameDropletAssign behaviour)
            throws Exception {
        sim.reservedIp(ADDRESS, 102L);
        sim.sameDropletAssign(behaviour);
        // A stale read (the other member's view a moment ago) makes the provider post an assign to the holder.
        sim.failNext(1, Response.json(200, Map.of("reserved_ip", Map.of("ip", ADDRESS, "locked", false,
                "droplet", Map.of("id", 101)))));

        f.provider().assign(B, MasterGuard.ALWAYS);

        assertThat(sim.mutatingRequests()).hasSize(1);
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
        assertThat(f.retryWaits).isEmpty();
    }
}
