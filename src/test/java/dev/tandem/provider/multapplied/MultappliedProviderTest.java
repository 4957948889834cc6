package dev.tandem.provider.multapplied;

import dev.tandem.api.v1alpha1.MultappliedBondSpec;
import dev.tandem.api.v1alpha1.MultappliedSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.sim.HttpSimulator.Request;
import dev.tandem.provider.sim.HttpSimulator.Response;
import dev.tandem.provider.sim.RecordingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The multapplied provider against {@link MultappliedSimulator}, set up as the seed's example: bond 1 on bonder-1 and
 * bond 3 on bonder-2, each with one connected IP, one route and one CPE NAT IP; bonder-1 holds them at the start.
 */
class MultappliedProviderTest {
    static final String USER = "routing@example.com";
    static final String PASSWORD = "correct-horse-battery";
    static final Member A = new Member("bonder-1", "");
    static final Member B = new Member("bonder-2", "");

    MultappliedSimulator sim;
    final RecordingContext calls = new RecordingContext();

    @BeforeEach
    void start() {
        sim = new MultappliedSimulator(USER, PASSWORD);
        sim.object(1, "connected_ips", 1, true).object(1, "routes", 7, true).object(1, "cpe_nat_ips", 11, true);
        sim.object(3, "connected_ips", 4, false).object(3, "routes", 8, false).object(3, "cpe_nat_ips", 12, false);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    static MultappliedSpec spec(String apiUrl) {
        MultappliedSpec s = new MultappliedSpec();
        s.apiUrl = apiUrl;
        s.bonds = List.of(bond("bonder-1", 1, 1, 7, 11), bond("bonder-2", 3, 4, 8, 12));
        return s;
    }

    static MultappliedBondSpec bond(String node, long bondId, long connectedIp, long route, long cpeNatIp) {
        MultappliedBondSpec b = new MultappliedBondSpec();
        b.node = node;
        b.bondId = bondId;
        b.connectedIpIds = List.of(connectedIp);
        b.routeIds = List.of(route);
        b.cpeNatIpIds = List.of(cpeNatIp);
        return b;
    }

    MultappliedProvider provider() {
        return provider(spec(sim.url()), USER, PASSWORD);
    }

    MultappliedProvider provider(MultappliedSpec spec, String user, String password) {
        return new MultappliedProvider(spec, new Credentials("Secret tandem-demo/multapplied-credentials",
                Map.of("username", user, "password", password)), calls.context("203.0.113.1", Clock.systemUTC()));
    }

    /** The PATCHes in the simulator's log as {@code bond kind/id=enabled}. */
    List<String> patches() {
        return sim.requests().stream().filter(r -> r.method().equals("PATCH")).map(MultappliedProviderTest::patch)
                .toList();
    }

    static String patch(Request r) {
        String[] p = r.path().split("/");
        return p[4] + " " + p[5] + "/" + p[6] + "=" + r.json().get("enabled").asBoolean();
    }

    /** Bond 1's objects are 1, 7, 11 and bond 3's are 4, 8, 12: all of {@code on}'s enabled, all of the other's not. */
    void assertHeldBy(long on, long off) {
        assertThat(states(on)).as("bond " + on).containsOnly(true);
        assertThat(states(off)).as("bond " + off).containsOnly(false);
    }

    List<Boolean> states(long bond) {
        long[] ids = bond == 1 ? new long[] {1, 7, 11} : new long[] {4, 8, 12};
        return List.of(sim.enabled(bond, "connected_ips", ids[0]), sim.enabled(bond, "routes", ids[1]),
                sim.enabled(bond, "cpe_nat_ips", ids[2]));
    }

    @Test
    void aCleanFailoverSwitchesTheObjectsInTheScriptsOrder() throws Exception {
        try (MultappliedProvider p = provider()) {
            assertThat(p.holder().isHeldBy("bonder-1")).isTrue();
            sim.clearLog();

            p.assign(B, MasterGuard.ALWAYS);

            // swap-active-bond.py: peer CPE NAT IPs, routes, connected IPs off; then local connected IPs, CPE NAT
            // IPs, routes on (routes last since commit 690dae1).
            assertThat(patches()).containsExactly("1 cpe_nat_ips/11=false", "1 routes/7=false",
                    "1 connected_ips/1=false", "3 connected_ips/4=true", "3 cpe_nat_ips/12=true", "3 routes/8=true");
            assertThat(sim.requests("PATCH", ".*")).allSatisfy(r -> {
                assertThat(r.path()).endsWith("/");
                assertThat(r.header("Content-Type")).isEqualTo("application/json");
            });
            assertHeldBy(3, 1);
            ProviderHolder h = p.holder();
            assertThat(h.isHeldBy("bonder-2")).isTrue();
            assertThat(h.isHeldBy("bonder-1")).isFalse();
        }
    }

    @Test
    void withThreeBondsEveryOtherBondIsSwitchedOffInTurnBeforeTheTargetComesOn() throws Exception {
        sim.object(5, "connected_ips", 20, false).object(5, "connected_ips", 21, false).object(5, "routes", 30, false);
        MultappliedSpec s = spec(sim.url());
        MultappliedBondSpec third = new MultappliedBondSpec();
        third.node = "bonder-3";
        third.bondId = 5L;
        third.connectedIpIds = List.of(21L, 20L);
        third.routeIds = List.of(30L);
        s.bonds = List.of(s.bonds.get(0), s.bonds.get(1), third);
        try (MultappliedProvider p = provider(s, USER, PASSWORD)) {
            sim.set(3, "routes", 8, true); // a stray route left on bond 3
            p.assign(new Member("bonder-3", ""), MasterGuard.ALWAYS);
            assertThat(p.holder().isHeldBy("bonder-3")).isTrue();
        }
        assertThat(patches()).containsExactly("1 cpe_nat_ips/11=false", "1 routes/7=false",
                "1 connected_ips/1=false", "3 routes/8=false", "5 connected_ips/21=true", "5 connected_ips/20=true",
                "5 routes/30=true");
    }

    @Test
    void theBaseUrlMayEndWithASlashOrNot() throws Exception {
        for (String url : List.of(sim.url(), sim.url() + "/", sim.url() + "/api/v3/")) {
            try (MultappliedProvider p = provider(spec(url), USER, PASSWORD)) {
                assertThat(p.holder().isHeldBy("bonder-1")).as(url).isTrue();
            }
        }
        assertThat(sim.requests()).allSatisfy(r -> assertThat(r.path()).startsWith("/api/v3/bonds/").endsWith("/"));
    }

    @Test
    void alreadyAssignedToSelfIsSuccessWithoutAWrite() throws Exception {
        try (MultappliedProvider p = provider()) {
            p.assign(A, MasterGuard.ALWAYS);
        }
        assertThat(patches()).isEmpty();
        assertThat(sim.requests("GET", MultappliedSimulator.OBJECT_PATH)).hasSize(6);
        assertHeldBy(1, 3);
    }

    @Test
    void aFiveHundredOnOneRouteMidSequenceIsRetriedAndTheMoveCompletes() throws Exception {
        sim.failPatch(1, "routes", 7, 2, MultappliedSimulator.detail(500, "A server error occurred."));
        try (MultappliedProvider p = provider()) {
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(patches()).containsExactly("1 cpe_nat_ips/11=false", "1 routes/7=false", "1 routes/7=false",
                "1 routes/7=false", "1 connected_ips/1=false", "3 connected_ips/4=true", "3 cpe_nat_ips/12=true",
                "3 routes/8=true");
        assertThat(calls.sleeps).hasSize(2);
        assertHeldBy(3, 1);
    }

    @Test
    void anHtmlErrorPageDoesNotCrashAndIsQuotedAsText() throws Exception {
        sim.failPatch(3, "routes", 8, 3, MultappliedSimulator.html500());
        try (MultappliedProvider p = provider()) {
            PartialSwitchException e = catchThrowableOfType(PartialSwitchException.class,
                    () -> p.assign(B, MasterGuard.ALWAYS));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
            assertThat(e.httpStatus()).isEqualTo(500);
            assertThat(e.getMessage()).contains("HTTP 500 Server Error (500)").doesNotContain("<html", "<h1>")
                    .contains("gave up after 3 attempts");
            assertThat(e.failed()).isEqualTo(new SwitchStep(new RoutingObject("bonder-2", 3,
                    RoutingObject.Kind.ROUTE, 8), true));
            assertThat(e.notDone()).isEmpty();
            assertThat(e.changed()).hasSize(5);
            // The next attempt, once the server is well again, reads everything and writes only the rest.
            sim.clearLog();
            p.assign(B, MasterGuard.ALWAYS);
            assertThat(patches()).containsExactly("3 routes/8=true");
        }
        assertHeldBy(3, 1);
    }

    @Test
    void aPermanent403StopsTheSequenceAndSaysWhatFailedAndWhatChanged() throws Exception {
        sim.forbidPatch(3, "cpe_nat_ips", 12);
        try (MultappliedProvider p = provider()) {
            PartialSwitchException e = catchThrowableOfType(PartialSwitchException.class,
                    () -> p.assign(B, MasterGuard.ALWAYS));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.httpStatus()).isEqualTo(403);
            assertThat(e.failed()).isEqualTo(new SwitchStep(new RoutingObject("bonder-2", 3,
                    RoutingObject.Kind.CPE_NAT_IP, 12), true));
            assertThat(e.changed()).extracting(SwitchStep::toString).containsExactly(
                    "bond 1 cpe_nat_ips/11 -> disabled", "bond 1 routes/7 -> disabled",
                    "bond 1 connected_ips/1 -> disabled", "bond 3 connected_ips/4 -> enabled");
            assertThat(e.notDone()).extracting(SwitchStep::toString).containsExactly("bond 3 routes/8 -> enabled");
            assertThat(e.getMessage())
                    .startsWith("multapplied assign: stopped at bond 3 cpe_nat_ips/12 -> enabled: ")
                    .contains("HTTP 403 You do not have permission to perform this action.")
                    .contains("permission to view and change routing objects")
                    .contains("Already changed: bond 1 cpe_nat_ips/11 -> disabled, bond 1 routes/7 -> disabled,"
                            + " bond 1 connected_ips/1 -> disabled, bond 3 connected_ips/4 -> enabled.")
                    .contains("Not done: bond 3 routes/8 -> enabled.");
            // One attempt at the forbidden object (4xx is not retried), nothing after it.
            assertThat(patches()).containsExactly("1 cpe_nat_ips/11=false", "1 routes/7=false",
                    "1 connected_ips/1=false", "3 connected_ips/4=true", "3 cpe_nat_ips/12=true");
            assertThat(calls.sleeps).isEmpty();
            // What is left behind shows as not settled, never as a finished move to either member.
            ProviderHolder h = p.holder();
            assertThat(h.settled()).isFalse();
            assertThat(h.machineId()).isEmpty();
            assertThat(h.detail()).contains("bond 3 (bonder-2): connected_ips/4 on, routes/8 off, cpe_nat_ips/12 off");
            // Once the user's group may change the object, the next assign finishes the same sequence.
            sim.allow(3, "cpe_nat_ips", 12);
            sim.clearLog();
            p.assign(B, MasterGuard.ALWAYS);
            assertThat(patches()).containsExactly("3 cpe_nat_ips/12=true", "3 routes/8=true");
        }
        assertHeldBy(3, 1);
    }

    @Test
    void aMixedStateIsReportedAsNotSettledWithWhatIsOnWhere() throws Exception {
        sim.set(1, "routes", 7, false);
        sim.set(3, "routes", 8, true);
        try (MultappliedProvider p = provider()) {
            ProviderHolder h = p.holder();
            assertThat(h.settled()).isFalse();
            assertThat(h.isHeldBy("bonder-1")).isFalse();
            assertThat(h.isHeldBy("bonder-2")).isFalse();
            assertThat(h.detail()).contains("mixed")
                    .contains("bond 1 (bonder-1): connected_ips/1 on, routes/7 off, cpe_nat_ips/11 on")
                    .contains("bond 3 (bonder-2): connected_ips/4 off, routes/8 on, cpe_nat_ips/12 off");
        }
    }

    @Test
    void holderReportsEachState() throws Exception {
        try (MultappliedProvider p = provider()) {
            assertThat(p.holder()).satisfies(h -> {
                assertThat(h.machineId()).contains("bonder-1");
                assertThat(h.settled()).isTrue();
            });
            for (long[] o : new long[][] {{1, 1}, {1, 7}, {1, 11}}) {
                sim.set(o[0], o[1] == 1 ? "connected_ips" : o[1] == 7 ? "routes" : "cpe_nat_ips", o[1], false);
            }
            assertThat(p.holder()).satisfies(h -> {
                assertThat(h.machineId()).isEmpty();
                assertThat(h.settled()).isTrue();
                assertThat(h.detail()).isEqualTo("every floating routing object is disabled");
            });
            sim.set(3, "connected_ips", 4, true);
            sim.set(3, "routes", 8, true);
            sim.set(3, "cpe_nat_ips", 12, true);
            assertThat(p.holder().isHeldBy("bonder-2")).isTrue();
            // Both bonds fully on: two bonders would announce the same address.
            sim.set(1, "connected_ips", 1, true);
            sim.set(1, "routes", 7, true);
            sim.set(1, "cpe_nat_ips", 11, true);
            assertThat(p.holder()).satisfies(h -> {
                assertThat(h.settled()).isFalse();
                assertThat(h.machineId()).isEmpty();
            });
        }
    }

    @Test
    void aMoveThatStoppedHalfWayIsTakenOverByTheNextAssign() throws Exception {
        // A previous move towards bonder-2 got as far as disabling bond 1's CPE NAT IP and route.
        sim.set(1, "cpe_nat_ips", 11, false);
        sim.set(1, "routes", 7, false);
        try (MultappliedProvider p = provider()) {
            assertThat(p.holder().settled()).isFalse();
            // bonder-1 wins the election back and takes the objects: it writes only what differs, in order.
            p.assign(A, MasterGuard.ALWAYS);
            assertThat(patches()).containsExactly("1 cpe_nat_ips/11=true", "1 routes/7=true");
            assertThat(p.holder().isHeldBy("bonder-1")).isTrue();
        }
    }

    @Test
    void rateLimitingByAProxyHonoursRetryAfter() throws Exception {
        sim.failNext(1, MultappliedSimulator.detail(429, "Request was throttled.").withHeader("Retry-After", "7"));
        try (MultappliedProvider p = provider()) {
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(calls.sleeps).containsExactly(Duration.ofSeconds(7));
        assertHeldBy(3, 1);
    }

    @Test
    void anOutageDuringFailoverThatEndsWithinTheRetriesEndsWithTheRightHolder() throws Exception {
        calls.afterSleep(2, () -> sim.down(false));
        try (MultappliedProvider p = provider()) {
            p.holder();
            sim.down(true);
            p.assign(B, MasterGuard.ALWAYS);
            assertThat(p.holder().isHeldBy("bonder-2")).isTrue();
        }
        assertThat(calls.sleeps).hasSize(2);
        assertThat(calls.outcomes).contains("get-routing-object:transient");
        assertHeldBy(3, 1);
    }

    @Test
    void anOutageLongerThanTheRetriesFailsWithoutAWriteAndTheNextAssignFinishes() throws Exception {
        try (MultappliedProvider p = provider()) {
            sim.down(true);
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.assign(B, MasterGuard.ALWAYS));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("bond 1 connected_ips/1", "gave up after 3 attempts");
            assertThat(sim.requests("PATCH", ".*")).isEmpty();
            sim.down(false);
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertHeldBy(3, 1);
    }

    @Test
    void aMemberThatLosesMastershipMidMoveStopsBeforeTheNextWrite() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        MasterGuard guard = () -> checks.incrementAndGet() <= 2;
        try (MultappliedProvider p = provider()) {
            PartialSwitchException e = catchThrowableOfType(PartialSwitchException.class, () -> p.assign(B, guard));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.STEPPED_DOWN);
            assertThat(e.changed()).hasSize(2);
            assertThat(e.failed().toString()).isEqualTo("bond 1 connected_ips/1 -> disabled");
            assertThat(e.getMessage()).contains("no longer the active member");
        }
        assertThat(patches()).containsExactly("1 cpe_nat_ips/11=false", "1 routes/7=false");
        assertThat(checks).hasValue(3);
    }

    @Test
    void theGuardIsAskedAgainBeforeEachRetry() throws Exception {
        sim.failPatch(1, "cpe_nat_ips", 11, 1, MultappliedSimulator.detail(503, "Service Unavailable"));
        AtomicInteger checks = new AtomicInteger();
        MasterGuard guard = () -> checks.incrementAndGet() <= 1;
        try (MultappliedProvider p = provider()) {
            PartialSwitchException e = catchThrowableOfType(PartialSwitchException.class, () -> p.assign(B, guard));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.STEPPED_DOWN);
            assertThat(e.changed()).isEmpty();
        }
        assertThat(patches()).containsExactly("1 cpe_nat_ips/11=false");
        assertThat(sim.enabled(1, "cpe_nat_ips", 11)).isTrue();
    }

    @Test
    void aWrongPasswordIsPermanentNamesTheSecretAndKeysAndNeverQuotesThePassword() throws Exception {
        try (MultappliedProvider p = provider(spec(sim.url()), USER, "wrong-password-123")) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.assign(B, MasterGuard.ALWAYS));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.getMessage()).contains("Invalid username/password.")
                    .contains("Secret tandem-demo/multapplied-credentials").contains("key username")
                    .contains("key password").doesNotContain("wrong-password-123").doesNotContain(PASSWORD);
            assertThat(String.valueOf(e.getCause())).doesNotContain("wrong-password-123");
        }
        assertThat(sim.requests()).hasSize(1);
        assertThat(calls.sleeps).isEmpty();
    }

    @Test
    void aMissingCredentialKeyIsPermanentAndNamesTheKey() throws Exception {
        try (MultappliedProvider p = provider(spec(sim.url()), USER, " ")) {
            assertThatThrownBy(p::holder).isInstanceOfSatisfying(ProviderException.class, e -> {
                assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
                assertThat(e.getMessage()).contains("Secret tandem-demo/multapplied-credentials", "'password'");
            });
        }
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void anUnknownBondOrObjectIsPermanentAndSaysWhatToCheck() throws Exception {
        MultappliedSpec s = spec(sim.url());
        s.bonds.get(1).routeIds = List.of(99L);
        try (MultappliedProvider p = provider(s, USER, PASSWORD)) {
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.getMessage()).contains("bond 3 routes/99", "HTTP 404 Not found.", "routing object ids");
        }
        assertThat(calls.sleeps).isEmpty();
    }

    @Test
    void aNodeWithoutABondIsPermanentAndListsTheKnownNodes() throws Exception {
        try (MultappliedProvider p = provider()) {
            assertThatThrownBy(() -> p.assign(new Member("bonder-9", ""), MasterGuard.ALWAYS))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
                        assertThat(e.getMessage()).contains("bonder-9", "bonder-1, bonder-2");
                    });
        }
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void anInvalidSpecIsPermanentAtTheFirstCall() throws Exception {
        MultappliedSpec s = spec(sim.url());
        s.bonds.get(1).connectedIpIds = List.of();
        s.bonds.get(1).routeIds = null;
        s.bonds.get(1).cpeNatIpIds = List.of();
        try (MultappliedProvider p = provider(s, USER, PASSWORD)) {
            assertThatThrownBy(p::holder).isInstanceOfSatisfying(ProviderException.class, e -> {
                assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
                assertThat(e.getMessage()).contains("bonds[1]", "bonder-2", "lists no connectedIpIds");
            });
        }
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void releaseDisablesOnlyTheHoldersObjectsAndIsANoOpForAnotherMember() throws Exception {
        try (MultappliedProvider p = provider()) {
            p.release(B, MasterGuard.ALWAYS);
            assertThat(patches()).isEmpty();
            p.release(A, MasterGuard.ALWAYS);
            assertThat(patches()).containsExactly("1 cpe_nat_ips/11=false", "1 routes/7=false",
                    "1 connected_ips/1=false");
            assertThat(p.holder()).isEqualTo(new ProviderHolder(Optional.empty(), true,
                    "every floating routing object is disabled"));
        }
    }

    @Test
    void aMalformedAnswerGivesAClearErrorNotANullPointer() throws Exception {
        sim.failGet(1, "routes", 7, 3, new Response(200, Map.of("Content-Type", "text/html"), "<html>login</html>"));
        sim.failGet(3, "routes", 8, 3, Response.json(200, Map.of("id", 8)));
        try (MultappliedProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("bond 1 routes/7", "no boolean \"enabled\"", "login", "apiUrl");
            ProviderException missing = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(missing.getMessage()).contains("bond 3 routes/8", "no boolean \"enabled\"");
            assertThat(p.holder().isHeldBy("bonder-1")).isTrue();
        }
    }

    @Test
    void aRedirectIsNotFollowedAndNamesWhereItLeads() throws Exception {
        sim.failNext(1, new Response(301, Map.of("Location", "https://bonding.example.net/api/v3/bonds/1/"), ""));
        try (MultappliedProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.getMessage()).contains("redirects to https://bonding.example.net/", "set apiUrl");
        }
        assertThat(sim.requests()).hasSize(1);
    }

    @Test
    void theMachineIdIsTheNodeNameWithoutAnyCall() throws Exception {
        try (MultappliedProvider p = provider()) {
            assertThat(p.name()).isEqualTo("multapplied");
            assertThat(p.discoverMachineId("bonder-2")).isEqualTo("bonder-2");
            assertThat(p.machineIdFromProviderId("bonder-2", "openstack:///f00")).contains("bonder-2");
            assertThat(p.machineIdFromProviderId("bonder-1", null)).contains("bonder-1");
        }
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void everyCallIsTimedForTheMetrics() throws Exception {
        try (MultappliedProvider p = provider()) {
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(calls.outcomes).filteredOn(o -> o.startsWith("get-routing-object")).hasSize(6)
                .containsOnly("get-routing-object:success");
        assertThat(calls.outcomes).filteredOn(o -> o.startsWith("patch-routing-object")).hasSize(6);
    }
}
