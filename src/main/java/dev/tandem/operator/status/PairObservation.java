package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.FailoverPairStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the operator knows about a pair at one reconcile: its spec and last status (with the members' own reports),
 * what blocks it, what it resolved, and its election workload.
 *
 * @param blockers          what stops the pair from working (Ready=False)
 * @param memberProblems    what is wrong with single members (Degraded=True), such as a missing node
 * @param resolvedAddresses the address each member is reached at, by node name
 * @param providerIds       each member node's spec.providerID, by node name (nodes without one are left out)
 * @param agentsReady       agents of the election DaemonSet that are ready, or null when it does not exist
 * @param agentsDesired     agents the DaemonSet should run
 */
public record PairObservation(
        FailoverPairSpec spec,
        Long generation,
        FailoverPairStatus previous,
        List<Blocker> blockers,
        List<Blocker> memberProblems,
        Integer virtualRouterId,
        String authSecretName,
        Map<String, String> resolvedAddresses,
        Map<String, String> providerIds,
        Integer agentsReady,
        Integer agentsDesired,
        Instant now,
        Duration staleAfter) {
}
