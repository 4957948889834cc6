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
 * @param deleting whether the FloatingIp is being deleted
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
        Duration staleAfter) {
}
