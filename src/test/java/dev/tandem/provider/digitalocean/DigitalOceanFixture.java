package dev.tandem.provider.digitalocean;

import dev.tandem.provider.sim.ManualClock;
import dev.tandem.api.v1alpha1.DigitalOceanSpec;
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
 * A simulator with two droplets and a reserved IP held by the first, a manual clock both share, and providers whose
 * retry waits and action polls only advance that clock (and are recorded), so the tests run in milliseconds.
 */
final class DigitalOceanFixture implements AutoCloseable {
    static final String TOKEN = "dop_v1_5ecret-t0ken-never-printed";
    static final String ADDRESS = "203.0.113.10";
    static final Member A = new Member("lb-a", "101");
    static final Member B = new Member("lb-b", "102");
    static final RetryPolicy POLICY = new RetryPolicy(8, Duration.ofMillis(250), Duration.ofSeconds(5),
            Duration.ofSeconds(2));

    final ManualClock clock = new ManualClock(Instant.parse("2026-05-04T10:00:00Z"));
    final DigitalOceanSimulator sim = new DigitalOceanSimulator(TOKEN, clock);
    /** Waits the retrier asked for, in order. */
    final List<Duration> retryWaits = new CopyOnWriteArrayList<>();
    /** Waits between two reads of an action, in order. */
    final List<Duration> pollWaits = new CopyOnWriteArrayList<>();
    /** Runs after each retry wait (a test flips a fault or the guard here). */
    volatile Runnable onRetryWait = () -> {
    };
    /** Runs after each poll wait. */
    volatile Runnable onPollWait = () -> {
    };

    DigitalOceanFixture() {
        sim.droplet(101, "lb-a").droplet(102, "lb-b").reservedIp(ADDRESS, 101L);
    }

    DigitalOceanProvider provider() {
        return provider(POLICY, secret("token", TOKEN), null);
    }

    DigitalOceanProvider provider(RetryPolicy policy) {
        return provider(policy, secret("token", TOKEN), null);
    }

    DigitalOceanProvider provider(RetryPolicy policy, Credentials credentials, String key) {
        return provider(policy, credentials, key, ADDRESS);
    }

    DigitalOceanProvider provider(RetryPolicy policy, Credentials credentials, String key, String address) {
        DigitalOceanSpec spec = new DigitalOceanSpec();
        spec.credentialsSecretRef = new SecretKeyRef("do-token", key);
        spec.apiUrl = sim.url() + "/";
        spec.metadataUrl = sim.url();
        Retrier retrier = new Retrier(policy, d -> {
            retryWaits.add(d);
            clock.advance(d);
            onRetryWait.run();
        }, () -> 0.5);
        ProviderContext ctx = new ProviderContext(address, retrier, CallObserver.NONE, clock);
        return new DigitalOceanProvider(spec, credentials, ctx, Duration.ofSeconds(1), Duration.ofSeconds(60), d -> {
            pollWaits.add(d);
            clock.advance(d);
            onPollWait.run();
        });
    }

    /** Credentials as the agent reads them from the Secret {@code default/do-token}. */
    static Credentials secret(String key, String token) {
        return new Credentials("Secret default/do-token", Map.of(key, token));
    }

    @Override
    public void close() {
        sim.close();
    }
}
