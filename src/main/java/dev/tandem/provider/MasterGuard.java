package dev.tandem.provider;

/**
 * Asked before every mutating provider call: is the caller still entitled to move the address? The agent answers
 * from its election state, the operator from the pair's active member. A provider that gets {@code false} stops with
 * {@link ProviderException.Kind#STEPPED_DOWN} and leaves the rest to the new master.
 */
@FunctionalInterface
public interface MasterGuard {
    boolean stillMaster();

    MasterGuard ALWAYS = () -> true;

    /** Throws when the caller lost mastership; call it right before each mutating request. */
    default void check(String provider, String operation) throws ProviderException {
        if (!stillMaster()) {
            throw new ProviderException(ProviderException.Kind.STEPPED_DOWN, provider, operation,
                    "no longer the active member; leaving " + operation + " to the new one");
        }
    }
}
