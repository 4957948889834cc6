package dev.tandem.operator.drift;

import dev.tandem.api.v1alpha1.DigitalOceanSpec;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.api.v1alpha1.RetrySpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.MasterGuard;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderHolder;
import dev.tandem.provider.RetryPolicy;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Providers are built once per spec generation and Secret version, reused, and closed when replaced or forgotten. */
class ProviderCacheTest {
    private static final String TOKEN = "dop_v1_never-shown";

    /** A provider that records how it was built and whether it was closed. */
    static final class Recorded implements FloatingIpProvider {
        final Credentials credentials;
        final RetryPolicy policy;
        boolean closed;

        Recorded(Credentials credentials, RetryPolicy policy) {
            this.credentials = credentials;
            this.policy = policy;
        }

        @Override
        public String name() {
            return "digitalocean";
        }

        @Override
        public ProviderHolder holder() {
            return ProviderHolder.none();
        }

        @Override
        public void assign(Member target, MasterGuard guard) {
        }

        @Override
        public void release(Member holder, MasterGuard guard) {
        }

        @Override
        public String discoverMachineId(String node) {
            return node;
        }

        @Override
        public Optional<String> machineIdFromProviderId(String node, String providerId) {
            return Optional.empty();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final List<Recorded> built = new ArrayList<>();
    private final ProviderCache cache = new ProviderCache((spec, credentials, policy) -> {
        Recorded r = new Recorded(credentials, policy);
        built.add(r);
        return r;
    });

    private static FloatingIp fip(String uid, long generation, RetrySpec retry) {
        FloatingIp f = new FloatingIp();
        f.setMetadata(new ObjectMetaBuilder().withName("vip").withNamespace("ns").withUid(uid)
                .withGeneration(generation).build());
        FloatingIpSpec spec = new FloatingIpSpec();
        spec.address = "203.0.113.10";
        spec.provider = new ProviderSpec();
        spec.provider.digitalocean = new DigitalOceanSpec();
        spec.provider.digitalocean.credentialsSecretRef = new SecretKeyRef("do-token", null);
        spec.retry = retry;
        f.setSpec(spec);
        return f;
    }

    private static Secret secret(String resourceVersion, String token) {
        return new SecretBuilder().withNewMetadata().withName("do-token").withNamespace("ns")
                .withResourceVersion(resourceVersion).endMetadata()
                .withData(Map.of("token", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    @Test
    void theCheckPolicyKeepsBackoffAndTimeoutButFewerAttempts() {
        RetryPolicy full = new RetryPolicy(8, Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofSeconds(5));
        RetryPolicy check = ProviderCache.checkPolicy(full);
        assertThat(check.attempts()).isEqualTo(3);
        assertThat(check.initialBackoff()).isEqualTo(full.initialBackoff());
        assertThat(check.maxBackoff()).isEqualTo(full.maxBackoff());
        assertThat(check.timeout()).isEqualTo(full.timeout());
        RetryPolicy one = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1));
        assertThat(ProviderCache.checkPolicy(one).attempts()).isEqualTo(1);
    }

    @Test
    void aProviderIsReusedUntilTheSpecOrTheSecretChanges() {
        RetrySpec retry = new RetrySpec();
        retry.attempts = 6;
        FloatingIpProvider first = cache.checker(fip("u1", 1, retry), secret("10", TOKEN));
        assertThat(cache.checker(fip("u1", 1, retry), secret("10", TOKEN))).isSameAs(first);
        Recorded r = built.getFirst();
        assertThat(r.policy.attempts()).isEqualTo(3);
        assertThat(r.credentials.source()).isEqualTo("Secret ns/do-token");
        assertThat(r.credentials.optional("token")).contains(TOKEN);
        assertThat(r.credentials.toString()).doesNotContain(TOKEN);

        // The repair provider uses the FloatingIp's own policy, and is built only when asked for.
        FloatingIpProvider repairer = cache.repairer(fip("u1", 1, retry), secret("10", TOKEN));
        assertThat(repairer).isNotSameAs(first);
        assertThat(((Recorded) repairer).policy.attempts()).isEqualTo(6);
        assertThat(built).hasSize(2);

        // A new version of the Secret: both old providers are closed, a new one is built.
        FloatingIpProvider rotated = cache.checker(fip("u1", 1, retry), secret("11", "dop_v1_rotated"));
        assertThat(rotated).isNotSameAs(first);
        assertThat(built.get(0).closed).isTrue();
        assertThat(built.get(1).closed).isTrue();
        assertThat(((Recorded) rotated).credentials.optional("token")).contains("dop_v1_rotated");

        // A new generation of the spec too.
        FloatingIpProvider respec = cache.checker(fip("u1", 2, retry), secret("11", "dop_v1_rotated"));
        assertThat(respec).isNotSameAs(rotated);
        assertThat(((Recorded) rotated).closed).isTrue();
        assertThat(((Recorded) respec).closed).isFalse();
    }

    @Test
    void forgettingClosesAndEachFloatingIpHasItsOwn() {
        FloatingIpProvider a = cache.checker(fip("a", 1, null), secret("1", TOKEN));
        FloatingIpProvider b = cache.checker(fip("b", 1, null), secret("1", TOKEN));
        assertThat(a).isNotSameAs(b);
        assertThat(cache.holds("a")).isTrue();

        cache.forget("a");
        assertThat(cache.holds("a")).isFalse();
        assertThat(((Recorded) a).closed).isTrue();
        assertThat(((Recorded) b).closed).isFalse();

        cache.close();
        assertThat(((Recorded) b).closed).isTrue();
        assertThat(cache.holds("b")).isFalse();
    }

    @Test
    void aSecretValueThatIsNotBase64IsNamedByKeyOnly() {
        Secret broken = new SecretBuilder().withNewMetadata().withName("do-token").withResourceVersion("1")
                .endMetadata().withData(Map.of("token", "c2Vj=cmV0")).build();
        assertThatThrownBy(() -> cache.checker(fip("c", 1, null), broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Secret ns/do-token").hasMessageContaining("'token'")
                .hasMessageNotContaining("c2Vj");
    }
}
