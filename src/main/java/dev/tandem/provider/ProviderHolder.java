package dev.tandem.provider;

import java.util.Optional;

/**
 * Who holds a floating address according to the provider.
 *
 * @param machineId the holder's machine id, or the node name for providers that map members by node; empty when the
 *                  address is not assigned
 * @param settled   false while the provider reports a pending change (an action in progress, a lock) or a mixed state
 *                  (routing objects enabled on two bonds), which a drift check must not mistake for a finished move
 * @param detail    what the provider said, for status messages; never a credential
 */
public record ProviderHolder(Optional<String> machineId, boolean settled, String detail) {
    public static ProviderHolder none() {
        return new ProviderHolder(Optional.empty(), true, "not assigned");
    }

    public static ProviderHolder of(String machineId) {
        return new ProviderHolder(Optional.of(machineId), true, "assigned to " + machineId);
    }

    public static ProviderHolder pending(Optional<String> machineId, String detail) {
        return new ProviderHolder(machineId, false, detail);
    }

    public boolean isHeldBy(String id) {
        return settled && machineId.filter(id::equals).isPresent();
    }
}
