package dev.tandem.agent.kubernetes;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.RouterState;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This member's entry of the pair's status, kept up to date from the election's callbacks. The callbacks run on the
 * election thread: they only update a few fields and hand the rest (the report, the Event) to the API thread.
 */
final class MemberReport implements ElectionListener {
    private final String node;
    private final Clock clock;
    private final Runnable changed;
    private final TransitionEvents events;

    private PairPlan plan;
    private boolean reporting;
    private MemberStatus.State state = MemberStatus.State.INIT;
    private Instant since;
    private String reason;
    private Long takeoverMillis;
    private final Map<String, Boolean> checks = new LinkedHashMap<>();
    private final java.util.Set<String> cloudHeld = new java.util.HashSet<>();
    private final Map<String, String> providerErrors = new java.util.TreeMap<>();

    /**
     * @param changed called (on the caller's thread, so it must return at once) whenever the entry changed
     */
    MemberReport(String node, Clock clock, Runnable changed, TransitionEvents events) {
        this.node = node;
        this.clock = clock;
        this.changed = changed;
        this.events = events;
    }

    /**
     * A new election is about to start with this plan: its health checks start failing until they rise, as
     * {@link dev.tandem.vrrp.HealthScore} does, and it holds nothing until it becomes MASTER.
     */
    synchronized void electionStarting(PairPlan plan) {
        this.plan = plan;
        this.reporting = true;
        if (since == null) {
            since = now();
        }
        checks.clear();
        for (HealthCheckSpec c : plan.healthChecks()) {
            checks.put(c.name, false);
        }
    }

    /** The election took new floating addresses; what this member holds is reported from them from now on. */
    void addressesChanged(PairPlan plan) {
        synchronized (this) {
            this.plan = plan;
        }
        changed.run();
    }

    /** This node is no longer a member: its entry is the operator's to remove, so it is not written again. */
    synchronized void stopReporting() {
        reporting = false;
    }

    @Override
    public void transition(Action.Transition t, long takeover) {
        synchronized (this) {
            state = state(t.to());
            since = now();
            // Each mastership confirms its cloud addresses anew; what an earlier one held says nothing now.
            cloudHeld.clear();
            reason = t.reason().label();
            takeoverMillis = t instanceof Action.BecomeMaster && takeover >= 0 ? takeover : null;
        }
        changed.run();
        events.transition(t, takeover);
    }

    @Override
    public void healthChanged(String check, boolean passing, String detail) {
        synchronized (this) {
            checks.put(check, passing);
        }
        changed.run();
    }

    /** The provider confirmed that this member holds a cloud FloatingIp. */
    void cloudConfirmed(String floatingIp) {
        synchronized (this) {
            if (state != MemberStatus.State.MASTER) {
                return; // a confirmation that crossed this member stepping down: it holds nothing now
            }
            cloudHeld.add(floatingIp);
            providerErrors.remove(floatingIp);
        }
        changed.run();
    }

    /** Moving a cloud FloatingIp here failed this time; the worker tries again. */
    void cloudFailed(String floatingIp, String message) {
        synchronized (this) {
            if (message.equals(providerErrors.put(floatingIp, message))) {
                return; // the same error again: nothing new to report
            }
        }
        changed.run();
    }

    /** This member no longer holds or moves a cloud FloatingIp. */
    void cloudCleared(String floatingIp) {
        boolean was;
        synchronized (this) {
            was = cloudHeld.remove(floatingIp) | providerErrors.remove(floatingIp) != null;
        }
        if (was) {
            changed.run();
        }
    }

    /** The entry to write now, or null while there is nothing to report (no election has started). */
    synchronized MemberStatus snapshot() {
        if (!reporting || plan == null) {
            return null;
        }
        MemberStatus s = new MemberStatus(state, effectivePriority());
        s.since = rfc3339(since);
        s.lastSeen = rfc3339(now());
        s.reason = reason;
        s.takeoverMillis = takeoverMillis;
        s.address = plan.selfAddress();
        List<String> holds = new ArrayList<>();
        if (state == MemberStatus.State.MASTER) {
            holds.addAll(plan.layer2FloatingIps());
            plan.cloudAddresses().stream().map(PairPlan.CloudAddress::floatingIp).filter(cloudHeld::contains)
                    .forEach(holds::add);
        }
        s.holds = holds;
        s.providerErrors = new LinkedHashMap<>(providerErrors);
        Map<String, String> results = new LinkedHashMap<>();
        checks.forEach((name, passing) -> results.put(name, passing ? "passing" : "failing"));
        s.checks = results;
        return s;
    }

    synchronized MemberStatus.State state() {
        return state;
    }

    /** The plan's priority less the weights of the failing checks, clamped as {@link dev.tandem.vrrp.HealthScore} does. */
    private int effectivePriority() {
        long lost = 0;
        for (HealthCheckSpec c : plan.healthChecks()) {
            if (c.weight != null && !checks.getOrDefault(c.name, false)) {
                lost += c.weight;
            }
        }
        if (plan.priority() == 255 && lost == 0) {
            return 255;
        }
        return (int) Math.clamp(plan.priority() - lost, 1, 254);
    }

    String node() {
        return node;
    }

    static MemberStatus.State state(RouterState s) {
        return switch (s) {
            case INITIALIZE -> MemberStatus.State.INIT;
            case BACKUP -> MemberStatus.State.BACKUP;
            case MASTER -> MemberStatus.State.MASTER;
            case FAULT -> MemberStatus.State.FAULT;
        };
    }

    private Instant now() {
        return clock.instant();
    }

    private static String rfc3339(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
