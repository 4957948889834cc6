package dev.tandem.provider.digitalocean;

import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.actions.ActionProviderAnswersContract;
import dev.tandem.provider.sim.HttpSimulator.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.tandem.provider.ProviderFailures.assertMalformed;
import static dev.tandem.provider.ProviderFailures.assertPermanent;
import static dev.tandem.provider.ProviderFailures.assertTransient;
import static dev.tandem.provider.actions.ActionProviderFixture.ONE_ATTEMPT;
import static dev.tandem.provider.digitalocean.DigitalOceanFixture.ADDRESS;
import static dev.tandem.provider.digitalocean.DigitalOceanFixture.B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the provider reads DigitalOcean's answers: the contract of action-based providers, and holders, addresses,
 * droplet ids, metadata, provider ids and DigitalOcean's own broken answers.
 */
class DigitalOceanAnswersTest extends ActionProviderAnswersContract {
    private final DigitalOceanFixture f = new DigitalOceanFixture();
    private final DigitalOceanSimulator sim = f.sim;

    @Override
    protected DigitalOceanFixture fixture() {
        return f;
    }

    @Test
    void holderReportsAssignedUnassignedAndPending() throws Exception {
        DigitalOceanProvider provider = f.provider();
        assertThat(provider.holder()).isEqualTo(ProviderHolder.of("101"));

        sim.reservedIp(ADDRESS, null);
        assertThat(provider.holder()).isEqualTo(ProviderHolder.none());

        long action = sim.startAction(ADDRESS, "assign_ip", 102L);
        ProviderHolder pending = provider.holder();
        assertThat(pending.settled()).isFalse();
        assertThat(pending.isHeldBy("102")).isFalse();
        assertThat(pending.detail()).contains("locked", String.valueOf(action));
    }

    @Test
    void aMissingReservedIpIsPermanentAndSaysWhatToCheck() {
        DigitalOceanProvider provider = f.provider("198.51.100.7");

        assertPermanent(provider::holder, e -> assertThat(e.getMessage())
                .contains("404", "198.51.100.7", "spec.address"));
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void aMemberWithoutAUsableDropletIdIsPermanentBeforeAnyRequest() {
        DigitalOceanProvider provider = f.provider();

        assertPermanent(() -> provider.assign(new Member("lb-c", ""), MasterGuard.ALWAYS),
                e -> assertThat(e.getMessage()).contains("lb-c", "digitalocean://"));
        assertPermanent(() -> provider.assign(new Member("lb-c", "i-0abc"), MasterGuard.ALWAYS),
                e -> assertThat(e.getMessage()).contains("lb-c", "'i-0abc'", "not a droplet id"));
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void anIpv6AddressIsRefusedClearly() {
        DigitalOceanProvider provider = f.provider("2001:db8::10");

        assertPermanent(() -> provider.assign(B, MasterGuard.ALWAYS),
                e -> assertThat(e.getMessage()).contains("2001:db8::10", "IPv4"));
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void theDropletIdComesFromTheMetadataServiceWithoutTheToken() throws Exception {
        sim.metadataId("102\n");

        assertThat(f.provider().discoverMachineId("lb-b")).isEqualTo("102");
        assertThat(sim.requests()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/metadata/v1/id");
            assertThat(r.header("Authorization")).isNull();
        });
    }

    @Test
    void aMetadataAnswerThatIsNoDropletIdIsAClearError() {
        sim.metadataId("<html>captive portal</html>");

        assertTransient(() -> f.provider(ONE_ATTEMPT).discoverMachineId("lb-b"), e -> assertThat(e.getMessage())
                .contains("captive portal", "not a droplet id", "metadataUrl"));
    }

    @Test
    void providerIdsOfDropletsGiveTheDropletId() {
        DigitalOceanProvider provider = f.provider();

        assertThat(provider.machineIdFromProviderId("lb-a", "digitalocean://8219222")).contains("8219222");
        assertThat(provider.machineIdFromProviderId("lb-a", "hcloud://42")).isEmpty();
        assertThat(provider.machineIdFromProviderId("lb-a", "digitalocean://")).isEmpty();
        assertThat(provider.machineIdFromProviderId("lb-a", "digitalocean://abc")).isEmpty();
        assertThat(provider.machineIdFromProviderId("lb-a", null)).isEmpty();
        assertThat(provider.name()).isEqualTo("digitalocean");
    }

    @Test
    void anAnswerWithoutTheReservedIpIsAClearTransientError() {
        sim.failNext(1, Response.json(200, Map.of("reserved_ips", Map.of())));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).holder(), "no 'reserved_ip' object");
    }

    @Test
    void aDropletWithoutAnIdIsAClearTransientError() {
        sim.failNext(1, Response.json(200, Map.of("reserved_ip", Map.of("ip", ADDRESS,
                "droplet", Map.of("name", "lb-a")))));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).holder(), "'reserved_ip.droplet' has no numeric 'id'");
    }

    @Test
    void aReservedIpWithoutTheDropletFieldIsAClearTransientErrorNotUnassigned() {
        sim.failNext(1, Response.json(200, Map.of("reserved_ip", Map.of("ip", ADDRESS, "locked", false))));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).holder(), "'reserved_ip.droplet' is missing");
    }
}
