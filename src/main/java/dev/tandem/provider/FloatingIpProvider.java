package dev.tandem.provider;

/**
 * Moves one floating address between the members of a pair at one cloud. Implementations are thread-safe for one
 * caller at a time, retry internally under the FloatingIp's {@link RetryPolicy}, and return only once the provider
 * confirms (an action completed, an association returned).
 */
public interface FloatingIpProvider extends AutoCloseable {
    /** The provider's name as in {@code spec.provider}: digitalocean, hetzner, aws, multapplied, openstack. */
    String name();

    /** Who holds the address now, according to the provider. */
    ProviderHolder holder() throws ProviderException, InterruptedException;

    /**
     * Makes {@code target} hold the address. "Already assigned to this machine" is success. {@code guard} is asked
     * before every mutating request; when it says no, this throws {@link ProviderException.Kind#STEPPED_DOWN}.
     */
    void assign(Member target, MasterGuard guard) throws ProviderException, InterruptedException;

    /**
     * Takes the address away from {@code holder} if it holds it (a FloatingIp being deleted), leaving it unassigned.
     * Releasing an address that {@code holder} does not hold is success.
     */
    void release(Member holder, MasterGuard guard) throws ProviderException, InterruptedException;

    /**
     * The machine id of the member this process runs on, from the provider's metadata service (standalone mode).
     * Providers that map members by node name return {@code node}.
     */
    String discoverMachineId(String node) throws ProviderException, InterruptedException;

    /**
     * The machine id in a Kubernetes node's {@code spec.providerID} ({@code digitalocean://123},
     * {@code hcloud://42}, {@code aws:///eu-central-1a/i-0abc}); empty when the node's provider id is of another
     * cloud or missing. Providers that map members by node name return {@code node}.
     */
    java.util.Optional<String> machineIdFromProviderId(String node, String providerId);

    @Override
    default void close() {
    }
}
