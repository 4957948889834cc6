package dev.tandem.agent.cloud;

import dev.tandem.agent.PairPlan;
import dev.tandem.provider.CallObserver;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.Providers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Standalone mode: credentials from files laid out like a mounted Secret ({@code DIR/<secret name>/<key>}), and this
 * machine's id from the provider's metadata service (DigitalOcean droplet id, Hetzner server id, IMDSv2 instance id),
 * learned once and remembered.
 */
public final class StandaloneCloud implements CloudMover.Environment, AutoCloseable {
    private final String node;
    private final ProviderCache providers;
    private final Map<String, String> machineIds = new HashMap<>();

    public StandaloneCloud(String node, Path credentialsDir, CallObserver observer) {
        this.node = node;
        this.providers = new ProviderCache(a -> {
            try {
                return Providers.fromDirectory(credentialsDir, a.spec().provider);
            } catch (IOException e) {
                throw new ProviderException(ProviderException.Kind.PERMANENT, a.provider(), "credentials",
                        "cannot read the credentials of FloatingIp " + a.floatingIp() + " under " + credentialsDir
                                + ": " + e.getMessage());
            }
        }, observer);
    }

    @Override
    public FloatingIpProvider provider(PairPlan.CloudAddress address) throws ProviderException {
        return providers.get(address);
    }

    @Override
    public Member self(PairPlan.CloudAddress address, FloatingIpProvider provider)
            throws ProviderException, InterruptedException {
        String id;
        synchronized (machineIds) {
            id = machineIds.get(address.provider());
        }
        if (id == null) {
            id = provider.discoverMachineId(node);
            synchronized (machineIds) {
                machineIds.put(address.provider(), id);
            }
        }
        return new Member(node, id);
    }

    @Override
    public void invalidate(PairPlan.CloudAddress address) {
        providers.invalidate(address);
    }

    @Override
    public void close() {
        providers.close();
    }
}
