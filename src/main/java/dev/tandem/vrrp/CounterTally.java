package dev.tandem.vrrp;

import java.util.EnumMap;
import java.util.Map;

/** The mutable side of {@link RouterCounters}; one per {@link VirtualRouter}, which is not thread-safe either. */
final class CounterTally {
    long advertsReceived;
    long advertsSent;
    long priorityZeroReceived;
    long priorityZeroSent;
    long masterDownExpiries;
    long lowerPriorityDiscarded;
    long ownAdvertsIgnored;
    long malformedDiscarded;
    long intervalMismatches;
    long addressListMismatches;
    private final Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
    private final Map<RouterState, Long> byState = new EnumMap<>(RouterState.class);

    void transition(RouterState to, Reason reason) {
        byReason.merge(reason, 1L, Long::sum);
        byState.merge(to, 1L, Long::sum);
    }

    void sent(Advert advert) {
        advertsSent++;
        if (advert.priority() == 0) {
            priorityZeroSent++;
        }
    }

    RouterCounters snapshot() {
        return new RouterCounters(advertsReceived, advertsSent, priorityZeroReceived, priorityZeroSent,
                masterDownExpiries, lowerPriorityDiscarded, ownAdvertsIgnored, malformedDiscarded,
                intervalMismatches, addressListMismatches, byReason, byState);
    }
}
