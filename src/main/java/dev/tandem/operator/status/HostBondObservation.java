package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.HostBondStatus;

import java.time.Instant;
import java.util.List;

/**
 * What the operator knows about a HostBond at one reconcile.
 *
 * @param matchingNodes names of the nodes its selector matches, sorted
 */
public record HostBondObservation(Long generation, HostBondStatus previous, List<Blocker> blockers,
                                  List<String> matchingNodes, Instant now) {
}
