package dev.tandem.provider.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.RetryPolicy;
import dev.tandem.provider.hetzner.HetznerSimulator.SameServerAssign;
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

import static dev.tandem.provider.hetzner.HetznerFixture.A;
import static dev.tandem.provider.hetzner.HetznerFixture.ADDRESS;
import static dev.tandem.provider.hetzner.HetznerFixture.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Moving a floating IP between two servers, on the happy path and through locks, limits, outages and step-downs. */
class HetznerFailoverTest {
    private final HetznerFixture f = new HetznerFixture();
    private final HetznerSimulator sim = f.sim;

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aCleanFailoverMovesTheAddressAndWaitsForTheActionToSucceed() throws Exception {
        HetznerProvider provider = f.provider();
        assertThat(provider.holder().isHeldBy("42")).isTrue();

        provider.assign(B, MasterGuard.ALWAYS);

        assertThat(sim.holderOf(f.fip)).contains(43L);
        assertThat(sim.running(f.fip)).isFalse();
        assertThat(provider.holder().isHeldBy("43")).isTrue();
        assertThat(provider.holder().isHeldBy("42")).isFalse();
        // The action runs 2 s in the simulator; the provider looked quickly at first (ActionPolls), then once a second.
        assertThat(f.pollWaits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(300),
                Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(sim.requests("GET", "/v1/floating_ips/\\d+/actions/\\d+")).hasSize(5);
        assertThat(sim.mutatingRequests()).hasSize(1);
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
    void alreadyAssignedToTheTargetIsSuccessWithoutAnyMutatingCall() throws Exception {
        f.provider().assign(A, MasterGuard.ALWAYS);

        assertThat(sim.mutatingRequests()).isEmpty();
        assertThat(sim.requests()).hasSize(1);
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
        sim.failNextActionPosts(1, Response.json(422, Map.of("error", Map.of("code", "floating_ip_assigned",
                "message", "The Floating IP is already assigned", "details", Map.of()))));

        assertThatThrownBy(() -> f.provider().assign(B, MasterGuard.ALWAYS))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
                    assertThat(e.getMessage()).contains("from server 42 to server 43", "floating_ip_assigned");
                });
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
        sim.failNext(1, Response.json(429, Map.of("error", Map.of("code", "rate_limit_exceeded",
                "message", "Rate limit exceeded", "details", Map.of()))).withHeader("Retry-After", "7"));

        f.provider().assign(B, MasterGuard.ALWAYS);

        assertThat(f.retryWaits).containsExactly(Duration.ofSeconds(7));
        assertThat(sim.holderOf(f.fip)).contains(43L);
    }

    @Test
    void anOutageDuringTheMoveIsRiddenOutAndEndsWithTheRightHolder() throws Exception {
        AtomicInteger waits = new AtomicInteger();
        f.onPollWait = () -> sim.down(true);
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
        assertThat(sim.holderOf(f.fip)).contains(43L);
    }

    @Test
    void anOutageLongerThanTheRetriesFailsTransientlyAndALaterCallSucceeds() throws Exception {
        sim.failNext(3, Response.json(503, Map.of("error", Map.of("code", "unavailable",
                "message", "service unavailable", "details", Map.of()))));
        HetznerProvider provider = f.provider(new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(5),
                Duration.ofSeconds(2)));

        assertThatThrownBy(() -> provider.assign(B, MasterGuard.ALWAYS))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
                    assertThat(e.getMessage()).contains("gave up after 3 attempts", "503", "unavailable");
                });
        assertThat(sim.holderOf(f.fip)).contains(42L);

        provider.assign(B, MasterGuard.ALWAYS);
        assertThat(sim.holderOf(f.fip)).contains(43L);
    }

    @Test
    void aMemberThatStepsDownBetweenRetriesSendsNoFurtherMutatingRequest() {
        AtomicBoolean master = new AtomicBoolean(true);
        sim.failNextActionPosts(1, Response.json(500, Map.of("error", Map.of("code", "server_error",
                "message", "internal server error", "details", Map.of()))));
        f.onRetryWait = () -> master.set(false);

        assertThatThrownBy(() -> f.provider().assign(B, master::get))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.STEPPED_DOWN));
        assertThat(sim.mutatingRequests()).hasSize(1);
        assertThat(sim.holderOf(f.fip)).contains(42L);
    }

    @Test
    void aMemberThatIsNoLongerMasterNeverPosts() {
        assertThatThrownBy(() -> f.provider().assign(B, () -> false))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.STEPPED_DOWN));
        assertThatThrownBy(() -> f.provider().release(A, () -> false))
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
                    String path = sim.requests("GET", "/v1/floating_ips/\\d+/actions/\\d+").getFirst().path();
                    String action = path.substring(path.lastIndexOf('/') + 1);
                    assertThat(e.getMessage()).contains("action " + action + " (assign_floating_ip)", "running",
                            "60 s");
                });
        // 1.2 s in the four quick looks, then one a second until 60 s had passed.
        assertThat(f.pollWaits).hasSize(63);
    }

    @Test
    void aFailedActionIsATransientErrorNamingTheAction() {
        sim.failNextActions(1);

        assertThatThrownBy(() -> f.provider().assign(B, MasterGuard.ALWAYS))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
                    assertThat(e.getMessage()).containsPattern("action \\d+ \\(assign_floating_ip\\)")
                            .contains("action_failed: Action failed");
                });
        assertThat(sim.holderOf(f.fip)).contains(42L);
    }

    @Test
    void releaseUnassignsFromTheHolderOnly() throws Exception {
        HetznerProvider provider = f.provider();

        provider.release(B, MasterGuard.ALWAYS);
        assertThat(sim.mutatingRequests()).as("B does not hold it: nothing to do").isEmpty();

        provider.release(A, MasterGuard.ALWAYS);
        assertThat(sim.mutatingRequests()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/v1/floating_ips/" + f.fip + "/actions/unassign");
            assertThat(r.body()).isEmpty();
        });
        assertThat(sim.holderOf(f.fip)).isEmpty();
        assertThat(provider.holder().machineId()).isEmpty();
    }
}
