package dev.tandem.vrrp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A member's health checks with rise/fall hysteresis, and the priority they leave it with.
 *
 * <p>Effective priority = base - sum of the weights of the failing checks, clamped to 1-254: only the address owner
 * advertises 255 (RFC 5798 §5.2.4), and it keeps 255 only while none of its weighted checks fails. A failing check
 * without weight puts the member in FAULT, whatever its priority.
 *
 * <p>Every check <b>starts failing</b> and must succeed {@code rise} times in a row before it counts as passing, as
 * keepalived's {@code init_fail} and Kubernetes readiness probes do. Starting healthy would let a member that has just
 * booted, whose service (haproxy, say) is not up yet, win the election and take the floating IP from a working peer.
 * The price is that a fresh member stays out of the election (or at reduced priority) for {@code rise} check intervals.
 * Not thread-safe; one per member, fed by the driver.
 */
public final class HealthScore {
    private final int basePriority;
    private final Map<String, Check> checks = new LinkedHashMap<>();

    public HealthScore(int basePriority, List<CheckRule> rules) {
        if (basePriority < 1 || basePriority > RouterConfig.OWNER_PRIORITY) {
            throw new IllegalArgumentException("base priority must be 1-255, got " + basePriority);
        }
        this.basePriority = basePriority;
        for (CheckRule rule : rules) {
            if (checks.putIfAbsent(rule.name(), new Check(rule)) != null) {
                throw new IllegalArgumentException("health check " + rule.name() + " is defined twice");
            }
        }
    }

    /**
     * Feeds one result of a check.
     *
     * @return whether the check changed between passing and failing
     * @throws IllegalArgumentException for a check that is not configured
     */
    public boolean record(String checkName, boolean ok) {
        Check check = checks.get(checkName);
        if (check == null) {
            throw new IllegalArgumentException("no health check named " + checkName + "; configured: "
                    + checks.keySet());
        }
        return check.record(ok);
    }

    public boolean isPassing(String checkName) {
        Check check = checks.get(checkName);
        if (check == null) {
            throw new IllegalArgumentException("no health check named " + checkName);
        }
        return check.passing;
    }

    public HealthVerdict verdict() {
        List<String> failing = new ArrayList<>();
        List<String> fault = new ArrayList<>();
        long lost = 0;
        for (Check check : checks.values()) {
            if (check.passing) {
                continue;
            }
            failing.add(check.rule.name());
            if (check.rule.hasWeight()) {
                lost += check.rule.weight();
            } else {
                fault.add(check.rule.name());
            }
        }
        return new HealthVerdict(priorityAfterLosing(lost), failing, fault);
    }

    private int priorityAfterLosing(long lost) {
        if (basePriority == RouterConfig.OWNER_PRIORITY && lost == 0) {
            return RouterConfig.OWNER_PRIORITY;
        }
        return (int) Math.clamp(basePriority - lost, 1, RouterConfig.OWNER_PRIORITY - 1);
    }

    private static final class Check {
        final CheckRule rule;
        boolean passing;
        int streak; // consecutive results that disagree with the current state

        Check(CheckRule rule) {
            this.rule = rule;
        }

        boolean record(boolean ok) {
            if (ok == passing) {
                streak = 0;
                return false;
            }
            streak++;
            if (streak < (passing ? rule.fall() : rule.rise())) {
                return false;
            }
            passing = ok;
            streak = 0;
            return true;
        }
    }
}
