package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.TransitionRecord;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes the operator's part of a FailoverPair's status from an observation. Pure: the same observation always
 * gives the same status, and nothing here talks to a cluster.
 */
public final class PairStatusAggregator {
    public static final int HISTORY_LIMIT = 10;

    private PairStatusAggregator() {
    }

    public static FailoverPairStatus aggregate(PairObservation o) {
        FailoverPairStatus previous = o.previous() == null ? new FailoverPairStatus() : o.previous();
        Map<String, MemberStatus> reports = previous.members == null ? Map.of() : previous.members;
        List<MemberSpec> members = o.spec() == null || o.spec().members == null ? List.of() : o.spec().members;

        List<String> masters = new ArrayList<>();
        List<String> unhealthy = new ArrayList<>();
        int ready = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (MemberSpec m : members) {
            if (m == null || !seen.add(m.node)) {
                continue;
            }
            MemberStatus report = reports.get(m.node);
            if (!MemberLiveness.isFresh(report, o.now(), o.staleAfter())) {
                unhealthy.add(m.node + (report == null || report.lastSeen == null ? " has not reported"
                        : " has not reported since " + report.lastSeen));
                continue;
            }
            switch (report.state) {
                case MASTER -> {
                    masters.add(m.node);
                    ready++;
                }
                case BACKUP -> ready++;
                case FAULT -> unhealthy.add(m.node + " is in FAULT" + (report.reason == null ? "" : " (" + report.reason + ")"));
                case INIT -> unhealthy.add(m.node + " is starting");
            }
            if (report.state != MemberStatus.State.FAULT && report.checks != null) {
                report.checks.forEach((check, result) -> {
                    if (!"passing".equals(result)) {
                        unhealthy.add(m.node + " fails health check " + check);
                    }
                });
            }
        }

        supersededClaims(masters, reports).forEach((node, by) -> {
            masters.remove(node);
            unhealthy.add(node + " claimed MASTER until " + by + " took over and has not reported since "
                    + reports.get(node).lastSeen);
        });

        FailoverPairStatus s = new FailoverPairStatus();
        s.observedGeneration = o.generation();
        s.virtualRouterId = o.virtualRouterId();
        s.authSecretName = o.authSecretName();
        s.membersReady = ready + "/" + members.size();
        s.activeMember = masters.size() == 1 ? masters.getFirst() : null;
        s.members = null;
        s.memberAddresses = new LinkedHashMap<>(o.resolvedAddresses());
        s.memberProviderIds = new LinkedHashMap<>(o.providerIds());
        recordTransition(previous, s, reports, o);

        List<Conditions.Desired> desired = new ArrayList<>();
        desired.add(ready(o, masters, members.size()));
        List<String> degraded = new ArrayList<>(o.memberProblems().stream().map(Blocker::message).toList());
        degraded.addAll(unhealthy);
        desired.add(degraded.isEmpty()
                ? Conditions.of(Conditions.DEGRADED, false, "AllMembersHealthy", "every member reports MASTER or BACKUP")
                : Conditions.of(Conditions.DEGRADED, true,
                o.memberProblems().isEmpty() ? "MemberUnhealthy" : o.memberProblems().getFirst().reason(),
                String.join("; ", degraded)));
        s.conditions = Conditions.merge(previous.conditions, desired, o.now(), o.generation());
        return s;
    }

    /**
     * Of several members that claim MASTER, those last heard before another one became MASTER: a member cut off from
     * the network (and so from the API server) cannot report that it stepped down or went to FAULT, and its last word
     * stays MASTER until it is stale. Its claim predates the takeover, so it is no sign of two masters answering at
     * once; a split brain is two members that both still say MASTER after both took over. Compares the members' own
     * clocks (since, lastSeen), which NTP keeps within milliseconds of each other. Returns node to the member that
     * superseded it.
     */
    public static Map<String, String> supersededClaims(List<String> masters, Map<String, MemberStatus> reports) {
        Map<String, String> superseded = new LinkedHashMap<>();
        if (masters.size() < 2) {
            return superseded;
        }
        for (String claimant : masters) {
            java.time.Instant heard = instant(reports.get(claimant).lastSeen);
            for (String other : masters) {
                java.time.Instant since = instant(reports.get(other).since);
                if (!other.equals(claimant) && heard != null && since != null && heard.isBefore(since)) {
                    superseded.put(claimant, other);
                    break;
                }
            }
        }
        if (superseded.size() == masters.size()) {
            return Map.of(); // cannot all be superseded; leave it to the split-brain report
        }
        return superseded;
    }

    private static java.time.Instant instant(String time) {
        if (time == null) {
            return null;
        }
        try {
            return java.time.Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static Conditions.Desired ready(PairObservation o, List<String> masters, int memberCount) {
        if (!o.blockers().isEmpty()) {
            Blocker first = o.blockers().getFirst();
            String message = o.blockers().stream().map(Blocker::message).reduce((a, b) -> a + "; " + b).orElse("");
            return Conditions.of(Conditions.READY, false, first.reason(), message);
        }
        if (masters.size() > 1) {
            return Conditions.of(Conditions.READY, false, "SplitBrain",
                    "members " + String.join(", ", masters) + " all claim MASTER");
        }
        if (masters.isEmpty()) {
            String workload = o.agentsReady() == null ? "the election DaemonSet does not exist yet"
                    : "the election DaemonSet has " + o.agentsReady() + " of " + o.agentsDesired() + " agents ready";
            return Conditions.of(Conditions.READY, false, "NoActiveMember",
                    "no member of " + memberCount + " reports MASTER; " + workload);
        }
        return Conditions.of(Conditions.READY, true, "Active", masters.getFirst() + " is MASTER");
    }

    private static void recordTransition(FailoverPairStatus previous, FailoverPairStatus s,
                                         Map<String, MemberStatus> reports, PairObservation o) {
        s.history = previous.history == null ? new ArrayList<>() : new ArrayList<>(previous.history);
        s.transitions = previous.transitions == null ? 0L : previous.transitions;
        s.lastTransition = previous.lastTransition;
        if (Objects.equals(previous.activeMember, s.activeMember)) {
            return;
        }
        String time = o.now().truncatedTo(ChronoUnit.MILLIS).toString();
        String reason;
        Long takeover = null;
        if (s.activeMember == null) {
            reason = "NoActiveMember";
        } else {
            MemberStatus winner = reports.get(s.activeMember);
            // When it happened, by the winner's own clock; the operator may see it a reconcile later.
            java.time.Instant since = instant(winner.since);
            if (since != null && !since.isAfter(o.now())) {
                time = since.truncatedTo(ChronoUnit.MILLIS).toString();
            }
            reason = winner.reason == null ? "Elected" : winner.reason;
            takeover = winner.takeoverMillis;
            s.transitions = s.transitions + 1;
        }
        TransitionRecord record = new TransitionRecord(time, previous.activeMember, s.activeMember, reason);
        record.takeoverMillis = takeover;
        s.history.add(record);
        while (s.history.size() > HISTORY_LIMIT) {
            s.history.removeFirst();
        }
        s.lastTransition = time;
    }
}
