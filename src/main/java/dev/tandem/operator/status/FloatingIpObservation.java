package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.FloatingIpStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the operator knows about a FloatingIp at one reconcile.
 *
 * @param name     the FloatingIp's name, as members list it in {@code holds}
 * @param pair     the referenced pair, or null when it does not exist
 * @param deleting      whether the FloatingIp is being deleted
 * @param providerCheck the operator's latest look at the cloud provider, null for layer2 or before the first one
 */
public record FloatingIpObservation(
        String name,
        FloatingIpSpec spec,
        Long generation,
        FloatingIpStatus previous,
        List<Blocker> blockers,
        FailoverPair pair,
        boolean deleting,
        Instant now,
        Duration staleAfter,
        ProviderCheck providerCheck) {

    /** An observation without a look at the provider. */
    public FloatingIpObservation(String name, FloatingIpSpec spec, Long generation, FloatingIpStatus previous,
                                 List<Blocker> blockers, FailoverPair pair, boolean deleting, Instant now,
                                 Duration staleAfter) {
        this(name, spec, generation, previous, blockers, pair, deleting, now, staleAfter, null);
    }

    public FloatingIpObservation withProviderCheck(ProviderCheck check) {
        return new FloatingIpObservation(name, spec, generation, previous, blockers, pair, deleting, now, staleAfter,
                check);
    }
}
