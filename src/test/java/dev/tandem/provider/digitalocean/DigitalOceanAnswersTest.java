package dev.tandem.provider.digitalocean;

import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.ProviderException.Kind;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.RetryPolicy;
import dev.tandem.provider.sim.HttpSimulator.Response;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import static dev.tandem.provider.digitalocean.DigitalOceanFixture.ADDRESS;
import static dev.tandem.provider.digitalocean.DigitalOceanFixture.B;
import static dev.tandem.provider.digitalocean.DigitalOceanFixture.POLICY;
import static dev.tandem.provider.digitalocean.DigitalOceanFixture.TOKEN;
import static dev.tandem.provider.digitalocean.DigitalOceanFixture.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the provider reads DigitalOcean's answers: holders, credentials, metadata, provider ids and broken answers. */
class DigitalOceanAnswersTest {
    private static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, Duration.ofMillis(250), Duration.ofSeconds(5),
            Duration.ofSeconds(2));

    private final DigitalOceanFixture f = new DigitalOceanFixture();
    private final DigitalOceanSimulator sim = f.sim;

    @AfterEach
    void close() {
        f.close();
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
    void aRejectedTokenIsPermanentNamesTheSecretAndKeyAndIsNotRetried() {
        DigitalOceanProvider provider = f.provider(POLICY, secret("token", "dop_v1_wrong-value"), null);

        assertPermanent(() -> provider.assign(B, MasterGuard.ALWAYS), e -> {
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.getMessage()).contains("Secret default/do-token", "key 'token'", "Unable to authenticate")
                    .doesNotContain("dop_v1_wrong-value").doesNotContain(TOKEN);
        });
        assertThat(sim.requests()).hasSize(1);
        assertThat(f.retryWaits).isEmpty();
    }

    @Test
    void aMissingKeyIsPermanentAndNoRequestIsMade() {
        DigitalOceanProvider provider = f.provider(POLICY, secret("api-token", TOKEN), null);

        assertPermanent(() -> provider.holder(), e -> assertThat(e.getMessage())
                .contains("Secret default/do-token", "key 'token'").doesNotContain(TOKEN));
        assertThat(sim.requests()).isEmpty();
    }

    @Test
    void theSecretKeyNameComesFromTheSpecWhenSet() throws Exception {
        DigitalOceanProvider provider = f.provider(POLICY, secret("do-token", TOKEN), "do-token");

        assertThat(provider.holder().isHeldBy("101")).isTrue();
    }

    @Test
    void aMissingReservedIpIsPermanentAndSaysWhatToCheck() {
        DigitalOceanProvider provider = f.provider(POLICY, secret("token", TOKEN), null, "198.51.100.7");

        assertPermanent(() -> provider.holder(), e -> assertThat(e.getMessage())
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
        DigitalOceanProvider provider = f.provider(POLICY, secret("token", TOKEN), null, "2001:db8::10");

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

        assertThatThrownBy(() -> f.provider(ONE_ATTEMPT).discoverMachineId("lb-b"))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
                    assertThat(e.getMessage()).contains("captive portal", "not a droplet id", "metadataUrl");
                });
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
    void anAnswerThatIsNotJsonIsAClearTransientError() {
        sim.failNext(1, new Response(200, Map.of("Content-Type", "text/html"), "<html><body>Bad gateway</body>"));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).holder(), "not a JSON object", "Bad gateway");
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

    @Test
    void anActionWithoutAnIdIsAClearTransientError() {
        sim.failNextActionPosts(1, Response.json(201, Map.of("action", Map.of("status", "in-progress"))));

        assertMalformed(() -> f.provider(ONE_ATTEMPT).assign(B, MasterGuard.ALWAYS), "'action.id'");
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
