package dev.tandem.vrrp;

import java.util.Map;

/**
 * A snapshot of one virtual router's counters since it was created, for the driver to export as metrics.
 *
 * @param advertsReceived every advert handed to {@link VirtualRouter#onAdvert}, whatever became of it
 * @param advertsSent adverts the router asked the driver to send, priority 0 included
 * @param priorityZeroReceived adverts of priority 0 received (a master stopping)
 * @param priorityZeroSent adverts of priority 0 sent (this master stopping or entering fault)
 * @param masterDownExpiries times the Master_Down_Timer fired
 * @param lowerPriorityDiscarded adverts a preempting backup ignored because their priority was below its own
 * @param ownAdvertsIgnored adverts from this router's own primary address (multicast loopback)
 * @param malformedDiscarded adverts with an advertisement interval of 0, which cannot drive a timer
 * @param intervalMismatches adverts whose interval differs from the configured one (keepalived logs these too)
 * @param addressListMismatches adverts whose address list differs from the configured one (RFC 5798 §7.1)
 * @param transitionsByReason state changes counted by reason
 * @param transitionsByState state changes counted by the state entered
 */
public record RouterCounters(
        long advertsReceived, long advertsSent, long priorityZeroReceived, long priorityZeroSent,
        long masterDownExpiries, long lowerPriorityDiscarded, long ownAdvertsIgnored, long malformedDiscarded,
        long intervalMismatches, long addressListMismatches,
        Map<Reason, Long> transitionsByReason, Map<RouterState, Long> transitionsByState) {

    public RouterCounters {
        transitionsByReason = Map.copyOf(transitionsByReason);
        transitionsByState = Map.copyOf(transitionsByState);
    }

    public long transitions() {
        return transitionsByState.values().stream().mapToLong(Long::longValue).sum();
    }

    public long transitions(Reason reason) {
        return transitionsByReason.getOrDefault(reason, 0L);
    }

    public long transitionsTo(RouterState state) {
        return transitionsByState.getOrDefault(state, 0L);
    }
}
