package dev.tandem.provider.hetzner;

import dev.tandem.provider.sim.ManualClock;
import dev.tandem.api.v1alpha1.HetznerSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.provider.CallObserver;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.Retrier;
import dev.tandem.provider.RetryPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A simulated project with two servers and a floating IP held by the first, a manual clock the simulator and the
 * providers share, and providers whose retry waits and action polls only advance that clock (and are recorded).
 */
final class HetznerFixture implements AutoCloseable {
    static final String TOKEN = "hcloud-5ecret-t0ken-never-printed";
    static final String ADDRESS = "198.51.100.20";
    static final Member A = new Member("lb-a", "42");
    static final Member B = new Member("lb-b", "43");
    static final RetryPolicy POLICY = new RetryPolicy(8, Duration.ofMillis(250), Duration.ofSeconds(5),
            Duration.ofSeconds(2));
    static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, Duration.ofMillis(250), Duration.ofSeconds(5),
            Duration.ofSeconds(2));

    final ManualClock clock = new ManualClock(Instant.parse("2026-05-04T10:00:00Z"));
    final HetznerSimulator sim = new HetznerSimulator(TOKEN, clock);
    final long fip;
    /** Waits the retrier asked for, in order. */
    final List<Duration> retryWaits = new CopyOnWriteArrayList<>();
    /** Waits between two reads of an action, in order. */
    final List<Duration> pollWaits = new CopyOnWriteArrayList<>();
    volatile Runnable onRetryWait = () -> {
    };
    volatile Runnable onPollWait = () -> {
    };

    HetznerFixture() {
        sim.server(42, "lb-a").server(43, "lb-b");
        fip = sim.floatingIp(ADDRESS, 42L);
    }

    /** A provider given the floating IP's id in the spec. */
    HetznerProvider provider() {
        return provider(POLICY);
    }

    HetznerProvider provider(RetryPolicy policy) {
        return provider(policy, secret("token", TOKEN), null, fip, ADDRESS);
    }

    /** A provider that looks the floating IP up by {@code address}. */
    HetznerProvider lookingUp(String address) {
        return provider(POLICY, secret("token", TOKEN), null, null, address);
    }

    HetznerProvider provider(RetryPolicy policy, Credentials credentials, String key, Long floatingIpId,
            String address) {
        HetznerSpec spec = new HetznerSpec();
        spec.credentialsSecretRef = new SecretKeyRef("hcloud", key);
        spec.floatingIpId = floatingIpId;
        spec.apiUrl = sim.apiUrl();
        spec.metadataUrl = sim.metadataUrl() + "/";
        Retrier retrier = new Retrier(policy, d -> {
            retryWaits.add(d);
            clock.advance(d);
            onRetryWait.run();
        }, () -> 0.5);
        ProviderContext ctx = new ProviderContext(address, retrier, CallObserver.NONE, clock);
        return new HetznerProvider(spec, credentials, ctx, Duration.ofSeconds(1), Duration.ofSeconds(60), d -> {
            pollWaits.add(d);
            clock.advance(d);
            onPollWait.run();
        });
    }

    /** Credentials as the agent reads them from the Secret {@code default/hcloud}. */
    static Credentials secret(String key, String token) {
        return new Credentials("Secret default/hcloud", Map.of(key, token));
    }

    @Override
    public void close() {
        sim.close();
    }
}
