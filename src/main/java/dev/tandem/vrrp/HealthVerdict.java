package dev.tandem.vrrp;

import java.util.List;

/**
 * What a member's health checks say right now.
 *
 * @param effectivePriority the priority to advertise when not in fault (see {@link HealthScore})
 * @param failingChecks every failing check, in configuration order
 * @param faultChecks the failing checks without weight; any of them means FAULT
 */
public record HealthVerdict(int effectivePriority, List<String> failingChecks, List<String> faultChecks) {
    public HealthVerdict {
        failingChecks = List.copyOf(failingChecks);
        faultChecks = List.copyOf(faultChecks);
    }

    public boolean isFault() {
        return !faultChecks.isEmpty();
    }

    /** For {@link VirtualRouter#enterFault}, Events and status, e.g. {@code health check haproxy failing}. */
    public String describe() {
        if (failingChecks.isEmpty()) {
            return "all health checks passing";
        }
        List<String> names = isFault() ? faultChecks : failingChecks;
        return (names.size() == 1 ? "health check " : "health checks ") + String.join(", ", names) + " failing";
    }
}
