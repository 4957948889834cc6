package dev.tandem.operator.drift;

import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.Providers;
import dev.tandem.provider.RetryPolicy;
import io.fabric8.kubernetes.api.model.Secret;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The providers of the cloud FloatingIps, built once per spec and credentials and then reused, so that what a provider
 * keeps between calls (an OpenStack Keystone token, an HTTP connection) is kept; closed when the spec or the Secret
 * changes and when the FloatingIp no longer needs one.
 *
 * <p>Each FloatingIp gets up to two providers: one for the periodic reads, under {@link #checkPolicy} (built at the
 * first check), and one for repairs, under the FloatingIp's own retry policy (built at the first repair, which most
 * FloatingIps never need). Calls for one FloatingIp come from one thread at a time ({@link DriftChecker}).
 */
final class ProviderCache implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ProviderCache.class);
    /** Attempts of a periodic read at most; see {@link #checkPolicy}. */
    static final int CHECK_ATTEMPTS = 3;

    /** Builds a provider from a spec, its credentials and a retry policy. */
    @FunctionalInterface
    interface Factory {
        FloatingIpProvider create(FloatingIpSpec spec, Credentials credentials, RetryPolicy policy);
    }

    /** What the providers were built from: a new generation or another version of the Secret builds new ones. */
    private record Key(Long generation, String secretVersion) {
    }

    private static final class Entry {
        final Key key;
        final FloatingIpSpec spec;
        final Credentials credentials;
        FloatingIpProvider checker;
        FloatingIpProvider repairer;

        Entry(Key key, FloatingIpSpec spec, Credentials credentials) {
            this.key = key;
            this.spec = spec;
            this.credentials = credentials;
        }
    }

    private final Factory factory;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    ProviderCache(Factory factory) {
        this.factory = factory;
    }

    /**
     * The policy of the periodic read: the FloatingIp's backoff and per-call timeout, but at most
     * {@value #CHECK_ATTEMPTS} attempts. The next check comes one interval later anyway, and the agents' failover
     * calls share the provider's rate limit (per token at DigitalOcean, per project at Hetzner): eight attempts every
     * interval during an outage would spend the budget a failover needs, and hold a check thread for up to a minute.
     * Repairs move the address and use the full policy, as an agent's move does.
     */
    static RetryPolicy checkPolicy(RetryPolicy full) {
        return new RetryPolicy(Math.min(full.attempts(), CHECK_ATTEMPTS), full.initialBackoff(), full.maxBackoff(),
                full.timeout());
    }

    /**
     * The provider for reads of {@code fip}.
     *
     * @param secret the credentials Secret, null when the provider reads none
     * @throws IllegalArgumentException when the provider cannot be built (a Secret value that is not base64, a
     *                                  provider this build does not have); the message names no value
     */
    FloatingIpProvider checker(FloatingIp fip, Secret secret) {
        Entry e = entry(fip, secret);
        if (e.checker == null) {
            e.checker = factory.create(e.spec, e.credentials, checkPolicy(RetryPolicy.from(e.spec.retry)));
        }
        return e.checker;
    }

    /** The provider for repairs of {@code fip}, under its own retry policy. */
    FloatingIpProvider repairer(FloatingIp fip, Secret secret) {
        Entry e = entry(fip, secret);
        if (e.repairer == null) {
            e.repairer = factory.create(e.spec, e.credentials, RetryPolicy.from(e.spec.retry));
        }
        return e.repairer;
    }

    /** Closes and drops the providers of the FloatingIp with this uid. */
    void forget(String uid) {
        Entry e = entries.remove(uid);
        if (e != null) {
            closeAll(e);
        }
    }

    /** Whether providers are cached for the FloatingIp with this uid. */
    boolean holds(String uid) {
        return entries.containsKey(uid);
    }

    @Override
    public void close() {
        for (String uid : entries.keySet()) {
            forget(uid);
        }
    }

    private Entry entry(FloatingIp fip, Secret secret) {
        String uid = fip.getMetadata().getUid();
        Key key = new Key(fip.getMetadata().getGeneration(),
                secret == null ? "" : Objects.toString(secret.getMetadata().getResourceVersion(), ""));
        Entry current = entries.get(uid);
        if (current != null && current.key.equals(key)) {
            return current;
        }
        Entry fresh = new Entry(key, fip.getSpec(), credentials(fip, secret));
        entries.put(uid, fresh);
        if (current != null) {
            LOG.debugf("FloatingIp %s/%s changed (spec or credentials); building its provider again",
                    fip.getMetadata().getNamespace(), fip.getMetadata().getName());
            closeAll(current);
        }
        return fresh;
    }

    private static Credentials credentials(FloatingIp fip, Secret secret) {
        if (secret == null) {
            return Credentials.none("no credentials Secret");
        }
        return Providers.fromSecret("Secret " + fip.getMetadata().getNamespace() + "/" + secret.getMetadata().getName(),
                fip.getSpec().provider, secret.getData(), secret.getStringData());
    }

    private static void closeAll(Entry e) {
        for (FloatingIpProvider p : new FloatingIpProvider[]{e.checker, e.repairer}) {
            if (p != null) {
                try {
                    p.close();
                } catch (RuntimeException ex) {
                    LOG.debugf("closing the %s provider failed: %s", p.name(), ex.getMessage());
                }
            }
        }
    }
}
