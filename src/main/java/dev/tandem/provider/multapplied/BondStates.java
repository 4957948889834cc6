package dev.tandem.provider.multapplied;

import dev.tandem.provider.ProviderHolder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides who holds the address from the {@code enabled} flag of every floating routing object: the member whose
 * bond has all of them enabled while every other bond has all of them disabled. All disabled everywhere is "not
 * assigned" (what a release leaves). Anything else, e.g. a move that stopped half-way, is not settled, and the detail
 * says what is on where so that a person can see it in the FloatingIp's status.
 */
final class BondStates {
    private BondStates() {
    }

    static ProviderHolder holder(BondRoster roster, Map<RoutingObject, Boolean> enabled) {
        List<BondRoster.Bond> allOn = new ArrayList<>();
        boolean mixed = false;
        for (BondRoster.Bond b : roster.bonds()) {
            long on = b.objects().stream().filter(o -> Boolean.TRUE.equals(enabled.get(o))).count();
            if (on == b.objects().size()) {
                allOn.add(b);
            } else if (on > 0) {
                mixed = true;
            }
        }
        if (!mixed && allOn.isEmpty()) {
            return new ProviderHolder(Optional.empty(), true, "every floating routing object is disabled");
        }
        if (!mixed && allOn.size() == 1) {
            BondRoster.Bond b = allOn.get(0);
            return new ProviderHolder(Optional.of(b.node()), true, "assigned to " + b.node() + ": bond " + b.bondId()
                    + " has its routing objects enabled, the other bonds have theirs disabled");
        }
        Optional<String> likely = allOn.size() == 1 ? Optional.of(allOn.get(0).node()) : Optional.empty();
        return ProviderHolder.pending(likely, "routing objects are mixed (a move stopped half-way or someone changed"
                + " them by hand): " + describe(roster, enabled));
    }

    /** {@code bond 1 (bonder-1): connected_ips/1 on, routes/7 off; bond 3 (bonder-2): ...}. */
    static String describe(BondRoster roster, Map<RoutingObject, Boolean> enabled) {
        return roster.bonds().stream().map(b -> "bond " + b.bondId() + " (" + b.node() + "): " + b.objects().stream()
                .map(o -> o.kind().path() + "/" + o.id() + " " + (Boolean.TRUE.equals(enabled.get(o)) ? "on" : "off"))
                .collect(Collectors.joining(", "))).collect(Collectors.joining("; "));
    }
}
