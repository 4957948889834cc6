package dev.tandem.provider.hetzner;

import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.sim.HttpSimulator.Response;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Map;
import java.util.function.Consumer;

import static dev.tandem.provider.hetzner.HetznerFixture.ADDRESS;
import static dev.tandem.provider.hetzner.HetznerFixture.B;
import static dev.tandem.provider.hetzner.HetznerFixture.ONE_ATTEMPT;
import static dev.tandem.provider.hetzner.HetznerFixture.POLICY;
import static dev.tandem.provider.hetzner.HetznerFixture.TOKEN;
import static dev.tandem.provider.hetzner.HetznerFixture.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the provider reads Hetzner's answers: holders, lookups, credentials, metadata, provider ids, broken answers. */
class HetznerAnswersTest {
    private final HetznerFixture f = new HetznerFixture();
    private final HetznerSimulator sim = f.sim;

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void holderReportsAssignedUnassignedAndRunning() throws Exception {
        HetznerProvider provider = f.provider();
        assertThat(provider.holder()).isEqualTo(ProviderHolder.of("42"));

        long free = sim.floatingIp("198.51.100.30", null);
        assertThat(f.provider(POLICY, secret("token", TOKEN), null, free, "198.51.100.30").holder())
                .isEqualTo(ProviderHolder.none());

        long action = sim.startAction(f.fip, "assign_floating_ip", 43L);
        ProviderHolder pending = provider.holder();
        assertThat(pending.settled()).isFalse();
        assertThat(pending.machineId()).contains("42");
        assertThat(pending.isHeldBy("42")).isFalse();
        assertThat(pending.detail()).contains("running action " + action, "assign_floating_ip");
    }

    @Test
    void theFloatingIpIsFoundByAddressAcrossPagesAndRemembered() throws Exception {
        for (int i = 1; i <= 54; i++) {
            sim.floatingIp("192.0.2." + i, null);
        }
        long wanted = sim.floatingIp("203.0.113.77", 43L); // the 56th: on page 2 of 50

        HetznerProvider provider = f.lookingUp("203.0.113.77");
        assertThat(provider.floatingIpId()).isEqualTo(wanted);
        assertThat(provider.holder().isHeldBy("43")).isTrue();

        assertThat(sim.requests("GET", "/v1/floating_ips")).extracting(r -> r.query())
                .containsExactly("page=1&per_page=50", "page=2&per_page=50");
    }

    @Test
    void anIpv6AddressMatchesTheSlash64ItLiesIn() throws Exception {
        long v6 = sim.floatingIp("2001:db8:5:6::/64", 42L);

        assertThat(f.lookingUp("2001:db8:5:6::10").floatingIpId()).isEqualTo(v6);
        assertThat(HetznerProvider.contains("2001:db8:5:6::/64",
                InetAddress.ofLiteral("2001:db8:5:7::10"))).isFalse();
    }

    @Test
    void anAddressNoFloatingIpHasIsPermanentAndSaysWhatToCheck() {
        assertPermanent(() -> f.lookingUp("203.0.113.99").assign(B, MasterGuard.ALWAYS), e -> assertThat(
                e.getMessage()).contains("none of the 1 floating IPs", "203.0.113.99", "floatingIpId",
                "Secret default/hcloud"));
        assertThat(sim.mutatingRequests()).isEmpty();
    }

    @Test
    void aRejectedTokenIsPermanentNamesTheSecretAndKeyAndIsNotRetried() {
        HetznerProvider provider = f.provider(POLICY, secret("token", "hcloud-wrong-value"), null, f.fip, ADDRESS);

        assertPermanent(() -> provider.assign(B, MasterGuard.ALWAYS), e -> {
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.getMessage()).contains("unauthorized", "Secret default/hcloud", "key 'token'")
                    .doesNotContain("hcloud-wrong-value").doesNotContain(TOKEN);
        });
        assertThat(sim.requests()).hasSize(1);
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void aReadOnlyTokenIsPermanentAndSaysSo() {
        sim.failNextActionPosts(1, Response.json(401, Map.of("error", Map.of("code", "token_readonly",
                "message", "The token is read-only", "details", Map.of()))));

        assertPermanent(() -> f.provider().assign(B, MasterGuard.ALWAYS), e -> assertThat(e.getMessage())
                .contains("token_readonly", "read-only", "Read & Write", "Secret default/hcloud"));
        assertThat(sim.mutatingRequests()).hasSize(1);
    }

    @Test
    void aMissingKeyIsPermanentAndNoRequestIsMade() {
        HetznerProvider provider = f.provider(POLICY, secret("hcloud-token", TOKEN), null, f.fip, ADDRESS);

        assertPermanent(provider::holder, e -> assertThat(e.getMessage())
                .contains("Secret default/hcloud", "key 'token'").doesNotContain(TOKEN));
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void theSecretKeyNameComesFromTheSpecWhenSet() throws Exception {
        HetznerProvider provider = f.provider(POLICY, secret("hcloud-token", TOKEN), "hcloud-token", f.fip, ADDRESS);

        assertThat(provider.holder().isHeldBy("42")).isTrue();
    }

    @Test
    void anUnknownFloatingIpIdIsPermanentAndSaysWhatToCheck() {
        HetznerProvider provider = f.provider(POLICY, secret("token", TOKEN), null, 999L, ADDRESS);

        assertPermanent(provider::holder, e -> assertThat(e.getMessage()).contains("404", "not_found",
                "spec.provider.hetzner.floatingIpId"));
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void aMemberWithoutAUsableServerIdIsPermanentBeforeAnyRequest() {
        HetznerProvider provider = f.provider();

        assertPermanent(() -> provider.assign(new Member("lb-c", ""), MasterGuard.ALWAYS),
                e -> assertThat(e.getMessage()).contains("lb-c", "hcloud://"));
        assertPermanent(() -> provider.assign(new Member("lb-c", "-3"), MasterGuard.ALWAYS),
                e -> assertThat(e.getMessage()).contains("lb-c", "'-3'", "not a Hetzner Cloud server id"));
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void theServerIdComesFromTheMetadataServiceWithoutTheToken() throws Exception {
        sim.instanceId("43");

        assertThat(f.provider().discoverMachineId("lb-b")).isEqualTo("43");
        assertThat(sim.requests()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/hetzner/v1/metadata/instance-id");
            assertThat(r.header("Authorization")).isNull();
        });
    }

    @Test
    void aMetadataAnswerThatIsNoServerIdIsAClearError() {
        sim.instanceId("i-0abc");

        assertThatThrownBy(() -> f.provider(ONE_ATTEMPT).discoverMachineId("lb-b"))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
                    assertThat(e.getMessage()).contains("'i-0abc'", "not a server id", "metadataUrl");
                });
    }

    @Test
    void providerIdsOfServersGiveTheServerId() {
        HetznerProvider provider = f.provider();

        assertThat(provider.machineIdFromProviderId("lb-a", "hcloud://42")).contains("42");
        assertThat(provider.machineIdFromProviderId("lb-a", "hrobot://42")).isEmpty();
        assertThat(provider.machineIdFromProviderId("lb-a", "digitalocean://42")).isEmpty();
        assertThat(provider.machineIdFromProviderId("lb-a", "hcloud://")).isEmpty();
        assertThat(provider.machineIdFromProviderId("lb-a", null)).isEmpty();
        assertThat(provider.name()).isEqualTo("hetzner");
    }

    @Test
    void anAnswerThatIsNotJsonIsAClearTransientError() {
        sim.failNext(1, new Response(200, Map.of("Content-Type", "text/html"), "<html>Maintenance</html>"));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).holder(), "not a JSON object", "Maintenance");
    }

    @Test
    void aFloatingIpWithoutServerIsAClearTransientError() {
        sim.failNext(1, Response.json(200, Map.of("floating_ip", Map.of("id", f.fip, "ip", ADDRESS))));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).holder(), "has no 'server'");
    }

    @Test
    void anActionWithoutAnIdIsAClearTransientError() {
        sim.failNextActionPosts(1, Response.json(201, Map.of("action", Map.of("status", "running"))));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).assign(B, MasterGuard.ALWAYS), "'action.id'");
    }

    @Test
    void aListWithoutFloatingIpsIsAClearTransientError() {
        sim.failNext(1, Response.json(200, Map.of("meta", Map.of())));

        assertMalformed(() -> f.provider(ONE_ATTEMPT, secret("token", TOKEN), null, null, ADDRESS).floatingIpId(),
                "no 'floating_ips' list");
    }

    @Test
    void anErrorBodyThatIsNotJsonIsQuoted() {
        sim.failNext(1, new Response(502, Map.of("Content-Type", "text/html"), "<html>502 Bad Gateway</html>"));

        assertThatThrownBy(() -> f.provider(ONE_ATTEMPT).holder())
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
                    assertThat(e.getMessage()).contains("HTTP 502", "502 Bad Gateway");
                });
    }

    private static void assertPermanent(ThrowingCallable call, Consumer<ProviderException> more) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
            more.accept(e);
        });
    }

    private static void assertMalformed(ThrowingCallable call, String... says) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.getMessage()).contains("unreadable answer").contains(says);
        });
    }
}
