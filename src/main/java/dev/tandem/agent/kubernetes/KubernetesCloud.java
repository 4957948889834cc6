package dev.tandem.agent.kubernetes;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.cloud.CloudMover;
import dev.tandem.agent.cloud.FenceDecision;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.agent.cloud.ProviderCache;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.provider.CallObserver;
import dev.tandem.provider.Credentials;
import dev.tandem.provider.FloatingIpProvider;
import dev.tandem.provider.Member;
import dev.tandem.provider.ProviderException;
import dev.tandem.provider.Providers;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Kubernetes mode: credentials from the Secret each FloatingIp names (the pair's Role allows reading exactly those),
 * read when the plan arrives rather than at failover time, and this member's machine from its node's
 * {@code spec.providerID}, which the operator copies into the pair's {@code status.memberProviderIds} (agents read no
 * Node).
 */
final class KubernetesCloud implements CloudMover.Environment, AutoCloseable {
    private final String namespace;
    private final String node;
    private final Supplier<Optional<FailoverPair>> pair;
    private final ProviderCache providers;
    private final LeaseFence fence;

    KubernetesCloud(KubernetesClient client, String namespace, String pairName, String node,
                    Supplier<Optional<FailoverPair>> pair,
                    CallObserver observer) {
        this.namespace = namespace;
        this.node = node;
        this.pair = pair;
        this.providers = new ProviderCache(a -> read(client, a), observer);
        this.fence = new LeaseFence(client, namespace, pairName, node);
    }

    private Credentials read(KubernetesClient client, PairPlan.CloudAddress a) throws ProviderException {
        Optional<SecretKeyRef> ref = Providers.credentialsRef(a.spec().provider);
        if (ref.isEmpty()) {
            return Credentials.none("the SDK's default credentials");
        }
        String source = "Secret " + namespace + "/" + ref.get().name;
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(ref.get().name).get();
        } catch (KubernetesClientException e) {
            throw new ProviderException(e.getCode() == 403 ? ProviderException.Kind.PERMANENT
                    : ProviderException.Kind.TRANSIENT, a.provider(), "credentials",
                    "cannot read " + source + ": HTTP " + e.getCode() + " " + e.getStatus().getMessage());
        }
        if (secret == null) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, a.provider(), "credentials",
                    source + " (named by FloatingIp " + a.floatingIp() + ") does not exist");
        }
        try {
            return Providers.fromSecret(source, a.spec().provider, secret.getData(), secret.getStringData());
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, a.provider(), "credentials",
                    e.getMessage());
        }
    }

    @Override
    public FloatingIpProvider provider(PairPlan.CloudAddress address) throws ProviderException {
        return providers.get(address);
    }

    @Override
    public Member self(PairPlan.CloudAddress address, FloatingIpProvider provider) throws ProviderException {
        Map<String, String> ids = pair.get().map(p -> p.getStatus() == null ? null : p.getStatus().memberProviderIds)
                .orElse(null);
        String providerId = ids == null ? null : ids.get(node);
        return provider.machineIdFromProviderId(node, providerId == null ? "" : providerId)
                .map(id -> new Member(node, id))
                .orElseThrow(() -> new ProviderException(ProviderException.Kind.PERMANENT, address.provider(),
                        "identity", "node " + node + (providerId == null || providerId.isEmpty()
                        ? " has no spec.providerID in the pair's status.memberProviderIds (the cloud controller"
                        + " manager sets it; the operator copies it)"
                        : " has spec.providerID " + providerId + ", which is not a " + address.provider()
                        + " machine")));
    }

    @Override
    public void invalidate(PairPlan.CloudAddress address) {
        providers.invalidate(address);
    }

    /** With {@code spec.fencing: lease}, the pair's Lease decides; otherwise every MASTER may move. */
    @Override
    public FenceDecision confirmLeader() throws InterruptedException {
        boolean lease = pair.get().map(p -> p.getSpec() != null && p.getSpec().fencing == FailoverPairSpec.Fencing.lease)
                .orElse(false);
        return lease ? fence.confirm() : FenceDecision.ALLOWED;
    }

    @Override
    public void resign() {
        fence.release();
    }

    @Override
    public void close() {
        fence.close();
        providers.close();
    }
}
