package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.FloatingIpStatus;
import dev.tandem.api.v1alpha1.FloatingIpStatus.Phase;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.MoveRecord;
import dev.tandem.validation.FloatingIpValidator;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes a FloatingIp's status. The holder is the member that reports holding the address (agents list it in their
 * own entry of the pair's status); the phase compares that holder with the pair's active member.
 */
public final class FloatingIpStatusAggregator {
    public static final String REFERENCES = "References";

    private FloatingIpStatusAggregator() {
    }

    public static FloatingIpStatus aggregate(FloatingIpObservation o) {
        FloatingIpStatus previous = o.previous() == null ? new FloatingIpStatus() : o.previous();
        FloatingIpStatus s = new FloatingIpStatus();
        s.observedGeneration = o.generation();
        List<String> providers = o.spec() == null ? List.of() : FloatingIpValidator.configuredProviders(o.spec().provider);
        s.provider = providers.size() == 1 ? providers.getFirst() : null;

        List<String> holders = holders(o);
        s.holderNode = holders.size() == 1 ? holders.getFirst() : null;
        String active = o.pair() == null || o.pair().getStatus() == null ? null : o.pair().getStatus().activeMember;

        s.moves = previous.moves == null ? 0L : previous.moves;
        s.lastMove = previous.lastMove;
        // The last node known to hold it: a report gap (holder briefly unknown) is not a move.
        String lastHolder = previous.holderNode != null ? previous.holderNode
                : previous.lastMove == null ? null : previous.lastMove.to;
        if (s.holderNode != null && !Objects.equals(s.holderNode, lastHolder)) {
            MoveRecord move = new MoveRecord();
            move.time = o.now().truncatedTo(ChronoUnit.MILLIS).toString();
            move.from = lastHolder;
            move.to = s.holderNode;
            s.lastMove = move;
            s.moves = s.moves + 1;
        }

        boolean invalid = o.blockers().stream().anyMatch(b -> Blocker.INVALID_SPEC.equals(b.reason()));
        List<Conditions.Desired> desired = new ArrayList<>();
        Conditions.Desired ready;
        if (o.deleting()) {
            s.phase = Phase.Releasing;
            ready = Conditions.of(Conditions.READY, false, "Releasing", holders.isEmpty()
                    ? "no member holds the address any more"
                    : "waiting for " + String.join(", ", holders) + " to release the address");
        } else if (!o.blockers().isEmpty()) {
            s.phase = invalid ? Phase.Failed : Phase.Pending;
            Blocker first = o.blockers().getFirst();
            ready = Conditions.of(Conditions.READY, false, first.reason(),
                    o.blockers().stream().map(Blocker::message).reduce((a, b) -> a + "; " + b).orElse(""));
        } else if (holders.size() > 1) {
            s.phase = Phase.Assigning;
            ready = Conditions.of(Conditions.READY, false, "DuplicateHolder",
                    "members " + String.join(", ", holders) + " all report holding the address");
        } else if (active == null) {
            s.phase = Phase.Pending;
            ready = Conditions.of(Conditions.READY, false, "NoActiveMember",
                    "FailoverPair " + o.spec().failoverPairRef.name + " has no active member");
        } else if (active.equals(s.holderNode)) {
            s.phase = Phase.Assigned;
            ready = Conditions.of(Conditions.READY, true, "Assigned", "held by the active member " + active);
        } else {
            s.phase = Phase.Assigning;
            ready = Conditions.of(Conditions.READY, false, "Assigning", "moving to the active member " + active
                    + (s.holderNode == null ? "" : " from " + s.holderNode));
        }
        desired.add(ready);
        List<Blocker> referenceProblems = o.blockers().stream()
                .filter(b -> !Blocker.INVALID_SPEC.equals(b.reason())).toList();
        desired.add(referenceProblems.isEmpty()
                ? Conditions.of(REFERENCES, !invalid, invalid ? "InvalidSpec" : "Resolved",
                invalid ? "references are not checked while the spec is invalid" : "the pair and credentials exist")
                : Conditions.of(REFERENCES, false, referenceProblems.getFirst().reason(),
                referenceProblems.getFirst().message()));
        s.conditions = Conditions.merge(previous.conditions, desired, o.now(), o.generation());
        return s;
    }

    /** Members whose fresh report says they hold this FloatingIp. */
    public static List<String> holders(FloatingIpObservation o) {
        if (o.pair() == null || o.pair().getStatus() == null) {
            return List.of();
        }
        FailoverPairStatus ps = o.pair().getStatus();
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, MemberStatus> e : ps.members.entrySet()) {
            MemberStatus report = e.getValue();
            if (report != null && report.holds != null && report.holds.contains(o.name())
                    && MemberLiveness.isFresh(report, o.now(), o.staleAfter())) {
                out.add(e.getKey());
            }
        }
        return out;
    }
}
