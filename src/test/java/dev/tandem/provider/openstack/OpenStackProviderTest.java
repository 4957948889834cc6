package dev.tandem.provider.openstack;

import dev.tandem.api.v1alpha1.OpenStackPortSpec;
import dev.tandem.api.v1alpha1.OpenStackSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.sim.HttpSimulator.Request;
import dev.tandem.provider.sim.HttpSimulator.Response;
import dev.tandem.provider.sim.ManualClock;
import dev.tandem.provider.sim.RecordingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The openstack provider against {@link OpenStackSimulator}: floating IP {@link #FIP} on lb-a's port at the start,
 * lb-b's port with the fixed IP the spec names; Keystone issues tokens for one application credential.
 */
class OpenStackProviderTest {
    static final String CRED_ID = "b3f1c0de5a7e4d2f9c8b7a6e5d4c3b2a";
    static final String CRED_SECRET = "vErY-s3cret-application-credential";
    static final String FIP = "2f245a7b-796b-4f26-9cf9-9e82d248fda7";
    static final String PORT_A = "ce705c24-c1ef-408a-bda3-7bbd946164ab";
    static final String PORT_B = "5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
    static final Member A = new Member("lb-a", "");
    static final Member B = new Member("lb-b", "");

    final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T10:00:00Z"));
    final RecordingContext calls = new RecordingContext();
    OpenStackSimulator sim;

    @BeforeEach
    void start() {
        sim = new OpenStackSimulator(CRED_ID, CRED_SECRET, clock);
        sim.port(PORT_A, "10.0.0.11").port(PORT_B, "10.0.0.12", "10.0.1.12");
        sim.floatingIp(FIP, "203.0.113.29", PORT_A, "10.0.0.11");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    OpenStackSpec spec() {
        OpenStackSpec s = new OpenStackSpec();
        s.authUrl = sim.authUrl();
        s.floatingIpId = FIP;
        s.ports = List.of(port("lb-a", PORT_A, null), port("lb-b", PORT_B, "10.0.0.12"));
        return s;
    }

    static OpenStackPortSpec port(String node, String portId, String fixedIp) {
        OpenStackPortSpec p = new OpenStackPortSpec();
        p.node = node;
        p.portId = portId;
        p.fixedIpAddress = fixedIp;
        return p;
    }

    OpenStackProvider provider() {
        return provider(spec(), CRED_ID, CRED_SECRET);
    }

    OpenStackProvider provider(OpenStackSpec spec, String id, String secret) {
        return new OpenStackProvider(spec, new Credentials("Secret lb/openstack-app-cred", Map.of(
                "applicationCredentialId", id, "applicationCredentialSecret", secret)),
                calls.context("203.0.113.29", clock));
    }

    List<Request> puts() {
        return sim.requests("PUT", OpenStackSimulator.FIP_PATH);
    }

    /** The log as {@code METHOD path}, to assert the order of authentication and Neutron calls. */
    List<String> calls() {
        return sim.requests().stream().map(r -> r.method() + " " + r.path()).toList();
    }

    static final String AUTH = "POST /identity/v3/auth/tokens";
    static final String GET = "GET /network/v2.0/floatingips/" + FIP;
    static final String PUT = "PUT /network/v2.0/floatingips/" + FIP;

    @Test
    void aCleanFailoverMovesTheFloatingIpToTheNewMastersPort() throws Exception {
        try (OpenStackProvider p = provider()) {
            assertThat(p.holder().isHeldBy("lb-a")).isTrue();
            p.assign(B, MasterGuard.ALWAYS);
            ProviderHolder h = p.holder();
            assertThat(h.isHeldBy("lb-b")).isTrue();
            assertThat(h.isHeldBy("lb-a")).isFalse();
        }
        assertThat(sim.portOf(FIP)).isEqualTo(PORT_B);
        assertThat(sim.fixedIpOf(FIP)).isEqualTo("10.0.0.12");
        assertThat(puts()).singleElement().satisfies(r -> {
            assertThat(r.json().path("floatingip").path("port_id").asText()).isEqualTo(PORT_B);
            assertThat(r.json().path("floatingip").path("fixed_ip_address").asText()).isEqualTo("10.0.0.12");
            assertThat(r.header("If-Match")).isEqualTo("revision_number=1");
            assertThat(r.header("X-Auth-Token")).startsWith("gAAAAA");
        });
    }

    @Test
    void alreadyOnTheTargetPortIsSuccessWithoutAnUpdate() throws Exception {
        try (OpenStackProvider p = provider()) {
            p.assign(A, MasterGuard.ALWAYS);
        }
        assertThat(calls()).containsExactly(AUTH, GET);
    }

    @Test
    void aFixedIpOtherThanTheConfiguredOneIsCorrected() throws Exception {
        sim.floatingIp(FIP, "203.0.113.29", PORT_B, "10.0.1.12");
        try (OpenStackProvider p = provider()) {
            assertThat(p.holder().detail()).contains("not with the configured fixed IP 10.0.0.12");
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(sim.fixedIpOf(FIP)).isEqualTo("10.0.0.12");
        assertThat(puts()).hasSize(1);
    }

    @Test
    void oneTokenServesSeveralCalls() throws Exception {
        try (OpenStackProvider p = provider()) {
            p.holder();
            p.assign(B, MasterGuard.ALWAYS);
            p.holder();
            p.release(B, MasterGuard.ALWAYS);
        }
        assertThat(sim.tokensIssued()).isEqualTo(1);
        assertThat(calls()).filteredOn(AUTH::equals).hasSize(1);
        assertThat(sim.requests()).filteredOn(r -> r.path().startsWith("/network/"))
                .extracting(r -> r.header("X-Auth-Token")).hasSize(6).containsOnly(
                        sim.requests().get(1).header("X-Auth-Token"));
    }

    @Test
    void aTokenAboutToExpireIsRenewedBeforeTheCall() throws Exception {
        sim.tokenLifetime(Duration.ofMinutes(10));
        try (OpenStackProvider p = provider()) {
            p.holder();
            clock.advance(Duration.ofMinutes(8));
            p.holder();
            assertThat(sim.tokensIssued()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(90)); // 30 s left: inside the renewal margin
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(calls()).containsExactly(AUTH, GET, GET, AUTH, GET, PUT);
        assertThat(calls.outcomes).doesNotContain("get-floating-ip:permanent");
        assertThat(sim.portOf(FIP)).isEqualTo(PORT_B);
    }

    @Test
    void aRevokedTokenIsReplacedOnceOn401WithoutUsingARetry() throws Exception {
        try (OpenStackProvider p = provider()) {
            p.holder();
            sim.revokeAllTokens();
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(calls()).containsExactly(AUTH, GET, GET, AUTH, GET, PUT);
        assertThat(sim.tokensIssued()).isEqualTo(2);
        assertThat(calls.sleeps).isEmpty();
        assertThat(sim.portOf(FIP)).isEqualTo(PORT_B);
    }

    @Test
    void a401ToAFreshTokenIsPermanent() throws Exception {
        sim.rejectEveryToken(true);
        try (OpenStackProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.assign(B, MasterGuard.ALWAYS));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.getMessage()).contains("rejected a token Keystone had just issued",
                    "Secret lb/openstack-app-cred", "networkUrl").doesNotContain(CRED_SECRET, "gAAAAA");
        }
        assertThat(calls()).containsExactly(AUTH, GET, AUTH, GET);
        assertThat(calls.sleeps).isEmpty();
    }

    @Test
    void theNetworkEndpointComesFromTheCataloguesPublicInterface() throws Exception {
        try (OpenStackProvider p = provider()) {
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(sim.requests()).extracting(Request::path).allMatch(path -> path.startsWith("/network/v2.0/")
                || path.equals("/identity/v3/auth/tokens"));
    }

    @Test
    void aConfiguredNetworkUrlWinsOverTheCatalogue() throws Exception {
        sim.networkInCatalog(false);
        OpenStackSpec s = spec();
        s.networkUrl = sim.networkUrl() + "/v2.0/";
        s.authUrl = sim.url() + "/identity/"; // unversioned: /v3 is added
        try (OpenStackProvider p = provider(s, CRED_ID, CRED_SECRET)) {
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(calls()).containsExactly(AUTH, GET, PUT);
    }

    @Test
    void aCatalogueWithoutANetworkEndpointIsPermanentAndAsksForNetworkUrl() throws Exception {
        sim.networkInCatalog(false);
        try (OpenStackProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.getMessage()).contains("no public endpoint of type network", "identity, compute",
                    "spec.provider.openstack.networkUrl");
        }
        assertThat(calls.sleeps).isEmpty();
    }

    @Test
    void aCatalogueWithSeveralRegionsIsPermanentRatherThanAGuess() throws Exception {
        sim.secondRegion(true);
        try (OpenStackProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.getMessage()).contains("RegionOne: " + sim.networkUrl(), "RegionTwo: ", "networkUrl");
        }
        assertThat(calls()).containsExactly(AUTH);
    }

    @Test
    void invalidCredentialsArePermanentNameTheSecretAndKeysAndNeverTheSecret() throws Exception {
        try (OpenStackProvider p = provider(spec(), CRED_ID, "wrong-secret-value-xyz")) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.assign(B, MasterGuard.ALWAYS));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.getMessage()).contains("Secret lb/openstack-app-cred", "applicationCredentialId",
                    "applicationCredentialSecret", "The request you have made requires authentication.")
                    .doesNotContain("wrong-secret-value-xyz", CRED_SECRET);
        }
        assertThat(calls()).containsExactly(AUTH);
        assertThat(calls.sleeps).isEmpty();
    }

    @Test
    void aKeystoneErrorThatEchoesTheRequestNeverCarriesTheSecretOn() throws Exception {
        sim.failNext(1, OpenStackSimulator.keystoneError(400, "Bad Request", "Invalid input for field"
                + " 'application_credential': {'id': '" + CRED_ID + "', 'secret': '" + CRED_SECRET + "'}"));
        try (OpenStackProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.getMessage()).contains("Invalid input", "[redacted]").doesNotContain(CRED_SECRET);
        }
    }

    @Test
    void aMissingCredentialKeyIsPermanentBeforeAnyCall() throws Exception {
        try (OpenStackProvider p = provider(spec(), "", CRED_SECRET)) {
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.getMessage()).contains("Secret lb/openstack-app-cred", "'applicationCredentialId'");
        }
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void a409IsPermanentAndSaysTheFixedIpHasAnotherFloatingIp() throws Exception {
        sim.floatingIp("9a8b7c6d-0000-4000-8000-000000000001", "203.0.113.30", PORT_B, "10.0.0.12");
        try (OpenStackProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.assign(B, MasterGuard.ALWAYS));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.httpStatus()).isEqualTo(409);
            assertThat(e.code()).isEqualTo("FloatingIPPortAlreadyAssociated");
            assertThat(e.getMessage()).contains("already has a floating IP on external network",
                    "one floating IP per fixed IP and external network", "fixedIpAddress");
        }
        assertThat(puts()).hasSize(1);
        assertThat(calls.sleeps).isEmpty();
        assertThat(sim.portOf(FIP)).isEqualTo(PORT_A);
    }

    @Test
    void aRevisionMismatchIsBusyAndTheMoveIsDecidedAgainOnFreshState() throws Exception {
        sim.concurrentChangeAfterNextGets(1);
        try (OpenStackProvider p = provider()) {
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(calls()).containsExactly(AUTH, GET, PUT, GET, PUT);
        assertThat(puts()).extracting(r -> r.header("If-Match")).containsExactly("revision_number=1",
                "revision_number=2");
        assertThat(calls.outcomes).contains("update-floating-ip:busy");
        assertThat(calls.sleeps).hasSize(1);
        assertThat(sim.portOf(FIP)).isEqualTo(PORT_B);
    }

    @Test
    void aCloudWithoutRevisionsGetsNoIfMatch() throws Exception {
        sim.sendRevisions(false);
        try (OpenStackProvider p = provider()) {
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(puts()).singleElement().satisfies(r -> assertThat(r.header("If-Match")).isNull());
        assertThat(sim.portOf(FIP)).isEqualTo(PORT_B);
    }

    @Test
    void a429HonoursRetryAfter() throws Exception {
        try (OpenStackProvider p = provider()) {
            p.holder();
            sim.failNext(1, OpenStackSimulator.neutronError(429, "OverLimit", "Too many requests")
                    .withHeader("Retry-After", "4"));
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(calls.sleeps).containsExactly(Duration.ofSeconds(4));
        assertThat(sim.portOf(FIP)).isEqualTo(PORT_B);
    }

    @Test
    void anOutageDuringFailoverThatEndsWithinTheRetriesEndsWithTheRightHolder() throws Exception {
        calls.afterSleep(2, () -> sim.down(false));
        try (OpenStackProvider p = provider()) {
            p.holder();
            sim.down(true);
            p.assign(B, MasterGuard.ALWAYS);
            assertThat(p.holder().isHeldBy("lb-b")).isTrue();
        }
        assertThat(calls.sleeps).hasSize(2);
        assertThat(calls.outcomes).contains("get-floating-ip:transient");
    }

    @Test
    void anOutageLongerThanTheRetriesFailsAndTheNextAssignFinishes() throws Exception {
        try (OpenStackProvider p = provider()) {
            p.holder();
            sim.failNext(3, OpenStackSimulator.neutronError(503, "ServiceUnavailable", "Neutron is restarting"));
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.assign(B, MasterGuard.ALWAYS));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("gave up after 3 attempts", "Neutron is restarting");
            p.assign(B, MasterGuard.ALWAYS);
        }
        assertThat(sim.portOf(FIP)).isEqualTo(PORT_B);
    }

    @Test
    void aMemberThatLostMastershipNeverUpdates() throws Exception {
        try (OpenStackProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.assign(B, () -> false));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.STEPPED_DOWN);
        }
        assertThat(puts()).isEmpty();
        assertThat(sim.portOf(FIP)).isEqualTo(PORT_A);
    }

    @Test
    void mastershipLostDuringARetryStopsBeforeTheNextUpdate() throws Exception {
        sim.concurrentChangeAfterNextGets(1);
        AtomicInteger checks = new AtomicInteger();
        try (OpenStackProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> p.assign(B, () -> checks.incrementAndGet() == 1));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.STEPPED_DOWN);
        }
        assertThat(calls()).containsExactly(AUTH, GET, PUT, GET);
        assertThat(sim.portOf(FIP)).isEqualTo(PORT_A);
    }

    @Test
    void holderReportsEachState() throws Exception {
        try (OpenStackProvider p = provider()) {
            assertThat(p.holder()).satisfies(h -> {
                assertThat(h.machineId()).contains("lb-a");
                assertThat(h.settled()).isTrue();
                assertThat(h.detail()).contains(PORT_A, "10.0.0.11", "ACTIVE");
            });
            sim.floatingIp(FIP, "203.0.113.29", null, null);
            assertThat(p.holder()).satisfies(h -> {
                assertThat(h.machineId()).isEmpty();
                assertThat(h.settled()).isTrue();
                assertThat(h.detail()).contains("not associated");
            });
            String stranger = "11111111-2222-4333-8444-555555555555";
            sim.port(stranger, "10.0.0.99").floatingIp(FIP, "203.0.113.29", stranger, "10.0.0.99");
            assertThat(p.holder()).satisfies(h -> {
                assertThat(h.machineId()).contains(stranger);
                assertThat(h.isHeldBy("lb-a")).isFalse();
                assertThat(h.isHeldBy("lb-b")).isFalse();
                assertThat(h.detail()).contains("not a member's port");
            });
            // and from a stranger's port the address moves like from any other
            p.assign(A, MasterGuard.ALWAYS);
            assertThat(p.holder().isHeldBy("lb-a")).isTrue();
        }
    }

    @Test
    void portIdsMatchWhateverTheirCaseOrDashes() throws Exception {
        OpenStackSpec s = spec();
        s.ports = List.of(port("lb-a", PORT_A.toUpperCase().replace("-", ""), null),
                port("lb-b", PORT_B, "10.0.0.12"));
        try (OpenStackProvider p = provider(s, CRED_ID, CRED_SECRET)) {
            assertThat(p.holder().isHeldBy("lb-a")).isTrue();
            p.assign(A, MasterGuard.ALWAYS);
        }
        assertThat(puts()).isEmpty();
    }

    @Test
    void releaseDissociatesOnlyFromTheGivenMembersPort() throws Exception {
        try (OpenStackProvider p = provider()) {
            p.release(B, MasterGuard.ALWAYS);
            assertThat(puts()).isEmpty();
            p.release(A, MasterGuard.ALWAYS);
            assertThat(puts()).singleElement().satisfies(r ->
                    assertThat(r.json().path("floatingip").get("port_id").isNull()).isTrue());
            assertThat(p.holder()).satisfies(h -> assertThat(h.machineId()).isEmpty());
            p.release(A, MasterGuard.ALWAYS);
            assertThat(puts()).hasSize(1);
        }
        assertThat(sim.portOf(FIP)).isNull();
    }

    @Test
    void anUnknownFloatingIpOrPortIsPermanentAndSaysWhichFieldToCheck() throws Exception {
        OpenStackSpec s = spec();
        s.floatingIpId = "00000000-0000-4000-8000-000000000000";
        try (OpenStackProvider p = provider(s, CRED_ID, CRED_SECRET)) {
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.getMessage()).contains("FloatingIPNotFound", "spec.provider.openstack.floatingIpId");
        }
        OpenStackSpec t = spec();
        t.ports = List.of(port("lb-a", PORT_A, null), port("lb-b", "99999999-0000-4000-8000-000000000000", null));
        try (OpenStackProvider p = provider(t, CRED_ID, CRED_SECRET)) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.assign(B, MasterGuard.ALWAYS));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.getMessage()).contains("PortNotFound", "ports[].portId");
        }
        assertThat(calls.sleeps).isEmpty();
    }

    @Test
    void aNodeWithoutAPortIsPermanentAndListsTheKnownNodes() throws Exception {
        try (OpenStackProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> p.assign(new Member("lb-z", ""), MasterGuard.ALWAYS));
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
            assertThat(e.getMessage()).contains("lb-z", "lb-a, lb-b");
        }
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void malformedNeutronAnswersGiveAClearErrorNotANullPointer() throws Exception {
        try (OpenStackProvider p = provider()) {
            p.holder();
            sim.failNext(3, new Response(200, Map.of("Content-Type", "text/html"), "<html>maintenance</html>"));
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("no \"floatingip\" object", "maintenance");
            sim.failNext(3, Response.json(200, Map.of("floatingip", Map.of("id", FIP))));
            ProviderException missing = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(missing.getMessage()).contains("no \"port_id\"");
            sim.failNext(3, new Response(502, Map.of("Content-Type", "text/html"), "<h1>502 Bad Gateway</h1>"));
            ProviderException html = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(html.getMessage()).contains("HTTP 502 502 Bad Gateway").doesNotContain("<h1>");
        }
    }

    @Test
    void aKeystoneAnswerWithoutATokenHeaderGivesAClearError() throws Exception {
        sim.failNext(3, Response.json(201, Map.of("token", Map.of("methods", List.of("application_credential")))));
        try (OpenStackProvider p = provider()) {
            ProviderException e = catchThrowableOfType(ProviderException.class, p::holder);
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("X-Subject-Token", "authUrl");
            assertThat(p.holder().isHeldBy("lb-a")).isTrue();
        }
    }

    @Test
    void theMachineIdIsTheNodeNameWithoutAnyCall() throws Exception {
        try (OpenStackProvider p = provider()) {
            assertThat(p.name()).isEqualTo("openstack");
            assertThat(p.discoverMachineId("lb-b")).isEqualTo("lb-b");
            assertThat(p.machineIdFromProviderId("lb-b", "openstack:///2b5e4f0a-1c3d-4e5f-8a9b-0c1d2e3f4a5b"))
                    .isEqualTo(Optional.of("lb-b"));
        }
        assertThat(sim.requests()).isEmpty();
    }
}
