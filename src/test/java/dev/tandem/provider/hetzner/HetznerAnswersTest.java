package dev.tandem.provider.hetzner;

import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.actions.ActionProviderAnswersContract;
import dev.tandem.provider.sim.HttpSimulator.Response;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Map;

import static dev.tandem.provider.ProviderFailures.assertMalformed;
import static dev.tandem.provider.ProviderFailures.assertPermanent;
import static dev.tandem.provider.ProviderFailures.assertTransient;
import static dev.tandem.provider.actions.ActionProviderFixture.ONE_ATTEMPT;
import static dev.tandem.provider.hetzner.HetznerFixture.ADDRESS;
import static dev.tandem.provider.hetzner.HetznerFixture.B;
import static dev.tandem.provider.hetzner.HetznerFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the provider reads Hetzner's answers: the contract of action-based providers, and holders, lookups by address,
 * read-only tokens, server ids, metadata, provider ids and Hetzner's own broken answers.
 */
class HetznerAnswersTest extends ActionProviderAnswersContract {
    private final HetznerFixture f = new HetznerFixture();
    private final HetznerSimulator sim = f.sim;

    @Override
    protected HetznerFixture fixture() {
        return f;
    }

    @Test
    void holderReportsAssignedUnassignedAndRunning() throws Exception {
        HetznerProvider provider = f.provider();
        assertThat(provider.holder()).isEqualTo(ProviderHolder.of("42"));

        long free = sim.floatingIp("198.51.100.30", null);
        assertThat(f.forFloatingIp(free, "198.51.100.30").holder()).isEqualTo(ProviderHolder.none());

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
    void aReadOnlyTokenIsPermanentAndSaysSo() {
        sim.failNextActionPosts(1, HetznerFixture.error(401, "token_readonly", "The token is read-only"));

        assertPermanent(() -> f.provider().assign(B, MasterGuard.ALWAYS), e -> assertThat(e.getMessage())
                .contains("token_readonly", "read-only", "Read & Write", "Secret default/hcloud"));
        assertThat(sim.mutatingRequests()).hasSize(1);
    }

    @Test
    void anUnknownFloatingIpIdIsPermanentAndSaysWhatToCheck() {
        HetznerProvider provider = f.forFloatingIp(999L, ADDRESS);

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

        assertTransient(() -> f.provider(ONE_ATTEMPT).discoverMachineId("lb-b"), e -> assertThat(e.getMessage())
                .contains("'i-0abc'", "not a server id", "metadataUrl"));
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
    void aFloatingIpWithoutServerIsAClearTransientError() {
        sim.failNext(1, Response.json(200, Map.of("floating_ip", Map.of("id", f.fip, "ip", ADDRESS))));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).holder(), "has no 'server'");
    }

    @Test
    void aListWithoutFloatingIpsIsAClearTransientError() {
        sim.failNext(1, Response.json(200, Map.of("meta", Map.of())));

        HetznerProvider lookingUp = f.provider(ONE_ATTEMPT, f.credentials("token", TOKEN), null, null, ADDRESS);

        assertMalformed(lookingUp::floatingIpId, "no 'floating_ips' list");
    }
}
