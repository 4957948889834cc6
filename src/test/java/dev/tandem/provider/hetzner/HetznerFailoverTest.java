package dev.tandem.provider.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.actions.ActionProviderFailoverContract;
import dev.tandem.provider.hetzner.HetznerSimulator.SameServerAssign;
import dev.tandem.provider.sim.HttpSimulator.Request;
import dev.tandem.provider.sim.HttpSimulator.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Map;

import static dev.tandem.provider.ProviderFailures.assertPermanent;
import static dev.tandem.provider.hetzner.HetznerFixture.A;
import static dev.tandem.provider.hetzner.HetznerFixture.ADDRESS;
import static dev.tandem.provider.hetzner.HetznerFixture.B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving a floating IP between two servers: the contract of action-based providers, and what Hetzner does its own
 * way: 423 locked while another action runs, 422 floating_ip_assigned, a token bucket whose RateLimit-Reset is no
 * wait, and either answer to an assign to the holder.
 */
class HetznerFailoverTest extends ActionProviderFailoverContract {
    private final HetznerFixture f = new HetznerFixture();
    private final HetznerSimulator sim = f.sim;

    @Override
    protected HetznerFixture fixture() {
        return f;
    }

    @Override
    protected void assertIsUnassign(Request request) {
        assertThat(request.path()).isEqualTo("/v1/floating_ips/" + f.fip + "/actions/unassign");
        assertThat(request.body()).isEmpty();
    }

    @Test
    void theAssignRequestIsExactlyTheDocumentedOne() throws Exception {
        f.provider().assign(B, MasterGuard.ALWAYS);

        Request post = sim.mutatingRequests().getFirst();
        assertThat(post.path()).isEqualTo("/v1/floating_ips/" + f.fip + "/actions/assign");
        assertThat(post.header("Content-Type")).isEqualTo("application/json");
        assertThat(post.header("Authorization")).isEqualTo("Bearer " + HetznerFixture.TOKEN);
        JsonNode body = post.json();
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.get("server").isIntegralNumber()).as("server is a JSON integer").isTrue();
        assertThat(body.get("server").asLong()).isEqualTo(43L);
    }

    @Test
    void aMoveWhileAnotherActionRunsIsRetriedUntilTheLockIsGone() throws Exception {
        sim.actionDuration(Duration.ofSeconds(4));
        sim.startAction(f.fip, "unassign_floating_ip", null); // another client of the project
        sim.actionDuration(Duration.ofSeconds(2));

        f.provider().assign(B, MasterGuard.ALWAYS);

        assertThat(sim.holderOf(f.fip)).contains(43L);
        assertThat(f.retryWaits).as("423 locked was retried").isNotEmpty();
        assertThat(sim.mutatingRequests()).hasSize(f.retryWaits.size() + 1);
    }

    @ParameterizedTest
    @EnumSource(SameServerAssign.class)
    void aRaceIntoAnAssignToTheHolderIsSuccessWhicheverWayHetznerAnswers(SameServerAssign behaviour)
            throws Exception {
        sim.sameServerAssign(behaviour);
        // A stale read (from before the other member moved it to us) makes the provider post an assign to the holder.
        sim.failNext(1, Response.json(200, Map.of("floating_ip", Map.of("id", f.fip, "ip", ADDRESS, "server", 43))));

        f.provider().assign(A, MasterGuard.ALWAYS);

        assertThat(sim.mutatingRequests()).hasSize(1);
        assertThat(sim.holderOf(f.fip)).contains(42L);
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void floatingIpAssignedWhileAnotherServerHoldsItIsPermanent() {
        sim.failNextActionPosts(1, HetznerFixture.error(422, "floating_ip_assigned",
                "The Floating IP is already assigned"));

        assertPermanent(() -> f.provider().assign(B, MasterGuard.ALWAYS), e -> assertThat(e.getMessage())
                .contains("from server 42 to server 43", "floating_ip_assigned"));
    }

    @Test
    void aRateLimitedCallWaitsOneSecondNotUntilTheBudgetIsFull() throws Exception {
        sim.budgetLeft(1); // the GET takes the last request; the POST gets 429 with RateLimit-Reset an hour away

        f.provider().assign(B, MasterGuard.ALWAYS);

        // Every 429 (the POST's, and the quick polls' that followed on the empty budget) waited 1 s, never the hour.
        assertThat(f.retryWaits).isNotEmpty().allMatch(Duration.ofSeconds(1)::equals);
        assertThat(sim.mutatingRequests()).hasSize(2);
        assertThat(sim.holderOf(f.fip)).contains(43L);
    }

    @Test
    void aRetryAfterHeaderOnA429IsHonoured() throws Exception {
        sim.failNext(1, HetznerFixture.error(429, "rate_limit_exceeded", "Rate limit exceeded")
                .withHeader("Retry-After", "7"));

        f.provider().assign(B, MasterGuard.ALWAYS);

        assertThat(f.retryWaits).containsExactly(Duration.ofSeconds(7));
        assertThat(sim.holderOf(f.fip)).contains(43L);
    }
}
