package dev.tandem.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.RetryPolicy;
import dev.tandem.provider.digitalocean.DigitalOceanSimulator.SameDropletAssign;
import dev.tandem.provider.sim.HttpSimulator.Request;
import dev.tandem.provider.sim.HttpSimulator.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tandem.provider.digitalocean.DigitalOceanFixture.A;
import static dev.tandem.provider.digitalocean.DigitalOceanFixture.ADDRESS;
import static dev.tandem.provider.digitalocean.DigitalOceanFixture.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Moving a reserved IP between two droplets, on the happy path and through locks, limits, outages and step-downs. */
class DigitalOceanFailoverTest {
    private final DigitalOceanFixture f = new DigitalOceanFixture();
    private final DigitalOceanSimulator sim = f.sim;

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aCleanFailoverMovesTheAddressAndWaitsForTheActionToComplete() throws Exception {
        DigitalOceanProvider provider = f.provider();
        assertThat(provider.holder().isHeldBy("101")).isTrue();

        provider.assign(B, MasterGuard.ALWAYS);

        assertThat(sim.holderOf(ADDRESS)).contains(102L);
        assertThat(sim.locked(ADDRESS)).isFalse();
        assertThat(provider.holder().isHeldBy("102")).isTrue();
        assertThat(provider.holder().isHeldBy("101")).isFalse();
        // The action runs 3 s in the simulator; the provider looked quickly at first (ActionPolls), then once a second.
        assertThat(f.pollWaits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(300),
                Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(sim.requests("GET", "/v2/reserved_ips/[^/]+/actions/\\d+")).hasSize(6);
        assertThat(sim.mutatingRequests()).hasSize(1);
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
    void alreadyAssignedToTheTargetIsSuccessWithoutAnyMutatingCall() throws Exception {
        sim.reservedIp(ADDRESS, 102L);

        f.provider().assign(B, MasterGuard.ALWAYS);

        assertThat(sim.mutatingRequests()).isEmpty();
        assertThat(sim.requests()).hasSize(1);
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
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

    @Test
    void anOutageDuringTheMoveIsRiddenOutAndEndsWithTheRightHolder() throws Exception {
        AtomicInteger waits = new AtomicInteger();
        f.onPollWait = () -> sim.down(true); // the API goes away while the action runs
        f.onRetryWait = () -> {
            if (waits.incrementAndGet() == 3) {
                f.onPollWait = () -> {
                };
                sim.down(false);
            }
        };

        f.provider().assign(B, MasterGuard.ALWAYS);

        assertThat(f.retryWaits).hasSize(3);
        assertThat(sim.mutatingRequests()).as("a failed read of the action does not repeat the POST").hasSize(1);
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
    }

    @Test
    void anOutageLongerThanTheRetriesFailsTransientlyAndALaterCallSucceeds() throws Exception {
        sim.failNext(3, Response.json(503, Map.of("id", "service_unavailable", "message", "Service Unavailable")));
        DigitalOceanProvider provider = f.provider(new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(5),
                Duration.ofSeconds(2)));

        assertThatThrownBy(() -> provider.assign(B, MasterGuard.ALWAYS))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
                    assertThat(e.getMessage()).contains("gave up after 3 attempts", "503", "Service Unavailable");
                });
        assertThat(sim.holderOf(ADDRESS)).contains(101L);

        provider.assign(B, MasterGuard.ALWAYS);
        assertThat(sim.holderOf(ADDRESS)).contains(102L);
    }

    @Test
    void aMemberThatStepsDownBetweenRetriesSendsNoFurtherMutatingRequest() throws Exception {
        AtomicBoolean master = new AtomicBoolean(true);
        sim.failNextActionPosts(1, Response.json(500, Map.of("id", "server_error",
                "message", "Unexpected server-side error")));
        f.onRetryWait = () -> master.set(false);

        assertThatThrownBy(() -> f.provider().assign(B, master::get))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.STEPPED_DOWN));
        assertThat(sim.mutatingRequests()).hasSize(1);
        assertThat(sim.holderOf(ADDRESS)).contains(101L);
    }

    @Test
    void aMemberThatIsNoLongerMasterNeverPosts() {
        assertThatThrownBy(() -> f.provider().assign(B, () -> false))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.STEPPED_DOWN));
        assertThat(sim.mutatingRequests()).isEmpty();
    }

    @Test
    void pollingStopsAtTheDeadlineWithATransientErrorNamingTheAction() {
        sim.actionDuration(Duration.ofMinutes(10));

        assertThatThrownBy(() -> f.provider().assign(B, MasterGuard.ALWAYS))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
                    long action = sim.requests("GET", "/v2/reserved_ips/[^/]+/actions/\\d+").getFirst().path()
                            .transform(p -> Long.parseLong(p.substring(p.lastIndexOf('/') + 1)));
                    assertThat(e.getMessage()).contains("action " + action, "in-progress", "60 s");
                });
        // 1.2 s in the four quick looks, then one a second until 60 s had passed.
        assertThat(f.pollWaits).hasSize(63);
    }

    @Test
    void anErroredActionIsATransientErrorNamingTheAction() {
        sim.errorNextActions(1);

        assertThatThrownBy(() -> f.provider().assign(B, MasterGuard.ALWAYS))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
                    assertThat(e.getMessage()).containsPattern("action \\d+ \\(assign_ip\\)").contains("errored");
                });
        assertThat(sim.holderOf(ADDRESS)).contains(101L);
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

    @Test
    void releaseUnassignsFromTheHolderOnly() throws Exception {
        DigitalOceanProvider provider = f.provider();

        provider.release(B, MasterGuard.ALWAYS);
        assertThat(sim.mutatingRequests()).as("B does not hold it: nothing to do").isEmpty();

        provider.release(A, MasterGuard.ALWAYS);
        assertThat(sim.mutatingRequests()).hasSize(1);
        assertThat(sim.mutatingRequests().getFirst().json().toString()).isEqualTo("{\"type\":\"unassign\"}");
        assertThat(sim.holderOf(ADDRESS)).isEmpty();
        assertThat(provider.holder().machineId()).isEmpty();
    }
}
