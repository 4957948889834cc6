package dev.tandem.agent.cloud;

import dev.tandem.agent.PairPlan;
import dev.tandem.provider.CallObserver;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.Providers;
import dev.tandem.provider.RetryPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.HashMap;
import java.util.Map;

/**
 * Built providers, one per FloatingIp, kept while its spec and credentials stay the same, so that a token a provider
 * obtained (OpenStack) or a looked-up id (Hetzner) is reused across failovers.
 */
public final class ProviderCache implements AutoCloseable {
    /** Reads the credentials of an address: from a Secret or a directory. */
    @FunctionalInterface
    public interface CredentialsSource {
        Credentials read(PairPlan.CloudAddress address) throws ProviderException;
    }

    private record Entry(String key, FloatingIpProvider provider) {
    }

    private final CredentialsSource credentials;
    private final CallObserver observer;
    private final Map<String, Entry> built = new HashMap<>();
    private final Map<String, Credentials> read = new HashMap<>();

    public ProviderCache(CredentialsSource credentials, CallObserver observer) {
        this.credentials = credentials;
        this.observer = observer;
    }

    public synchronized FloatingIpProvider get(PairPlan.CloudAddress a) throws ProviderException {
        Credentials c = read.get(a.floatingIp());
        if (c == null) {
            c = credentials.read(a);
            read.put(a.floatingIp(), c);
        }
        String key = Serialization.asJson(a.spec()) + "|" + System.identityHashCode(c);
        Entry e = built.get(a.floatingIp());
        if (e == null || !e.key().equals(key)) {
            if (e != null) {
                e.provider().close();
            }
            FloatingIpProvider p = Providers.create(a.spec(), c,
                    ProviderContext.of(a.address(), RetryPolicy.from(a.spec().retry), observer));
            e = new Entry(key, p);
            built.put(a.floatingIp(), e);
        }
        return e.provider();
    }

    /** Forgets an address's credentials (read again next time) and its provider. */
    public synchronized void invalidate(PairPlan.CloudAddress a) {
        read.remove(a.floatingIp());
        Entry e = built.remove(a.floatingIp());
        if (e != null) {
            e.provider().close();
        }
    }

    @Override
    public synchronized void close() {
        built.values().forEach(e -> e.provider().close());
        built.clear();
        read.clear();
    }
}
