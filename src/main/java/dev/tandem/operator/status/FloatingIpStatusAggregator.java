package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.FloatingIpStatus;
import dev.tandem.api.v1alpha1.FloatingIpStatus.DriftRepair;
import dev.tandem.api.v1alpha1.FloatingIpStatus.Phase;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.MoveRecord;
import dev.tandem.operator.status.ProviderCheck.Reason;
import dev.tandem.provider.Providers;
import dev.tandem.validation.FloatingIpValidator;
import io.fabric8.kubernetes.api.model.Condition;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes a FloatingIp's status. The holder is the member that reports holding the address (agents list it in their
 * own entry of the pair's status); the phase compares that holder with the pair's active member. For cloud providers,
 * {@code ProviderInSync} shows the operator's latest look at the provider ({@link DriftRule}), and the drift repairs it
 * made are counted.
 */
public final class FloatingIpStatusAggregator {
    public static final String REFERENCES = "References";
    public static final String PROVIDER_IN_SYNC = "ProviderInSync";
    /** The Ready reason while the active member's agent reports a provider error for this FloatingIp. */
    public static final String PROVIDER_ERROR = "ProviderError";

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
            String agentError = providerError(o, active);
            ready = agentError != null
                    ? Conditions.of(Conditions.READY, false, PROVIDER_ERROR, "the active member " + active
                    + " cannot move the address to itself: " + agentError)
                    : Conditions.of(Conditions.READY, false, "Assigning", "moving to the active member " + active
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
        if (o.spec() != null && Providers.cloudName(o.spec().provider).isPresent()) {
            recordDriftRepairs(o, previous, s);
            desired.add(providerInSync(o, previous, invalid));
        }
        s.conditions = Conditions.merge(previous.conditions, desired, o.now(), o.generation());
        return s;
    }

    /** The active member's own report of a failed move of this FloatingIp, or null. */
    private static String providerError(FloatingIpObservation o, String active) {
        MemberStatus report = o.pair().getStatus().members == null ? null : o.pair().getStatus().members.get(active);
        if (report == null || report.providerErrors == null) {
            return null;
        }
        String error = report.providerErrors.get(o.name());
        return error == null || error.isBlank() ? null : error;
    }

    /**
     * Carries the drift repair count over, and adds the latest repair once: a repair newer than the one in the
     * previous status counts, so recomputing from an older copy of the FloatingIp gives the same result.
     */
    private static void recordDriftRepairs(FloatingIpObservation o, FloatingIpStatus previous, FloatingIpStatus s) {
        s.lastDriftRepair = previous.lastDriftRepair;
        s.driftRepairs = previous.driftRepairs == null ? 0L : previous.driftRepairs;
        DriftRepair latest = o.providerCheck() == null ? null : o.providerCheck().lastRepair();
        if (latest != null && latest.time != null && (previous.lastDriftRepair == null
                || isLater(latest.time, previous.lastDriftRepair.time))) {
            s.lastDriftRepair = latest;
            s.driftRepairs = s.driftRepairs + 1;
        }
    }

    private static boolean isLater(String time, String than) {
        if (than == null) {
            return true;
        }
        try {
            return Instant.parse(time).isAfter(Instant.parse(than));
        } catch (DateTimeParseException e) {
            return !time.equals(than);
        }
    }

    private static Conditions.Desired providerInSync(FloatingIpObservation o, FloatingIpStatus previous,
                                                     boolean invalid) {
        if (o.deleting()) {
            return Conditions.of(PROVIDER_IN_SYNC, false, Reason.Unknown.name(),
                    "not checked while the FloatingIp is being deleted");
        }
        if (!o.blockers().isEmpty()) {
            return Conditions.of(PROVIDER_IN_SYNC, false, Reason.Unknown.name(), "not checked until "
                    + (invalid ? "the spec is valid" : "the References condition is True"));
        }
        ProviderCheck check = o.providerCheck();
        if (check == null) {
            // Not checked since the operator started: keep what the last operator found rather than flip to Unknown.
            Condition kept = Conditions.find(previous.conditions, PROVIDER_IN_SYNC);
            return kept != null
                    ? Conditions.of(PROVIDER_IN_SYNC, "True".equals(kept.getStatus()), kept.getReason(), kept.getMessage())
                    : Conditions.of(PROVIDER_IN_SYNC, false, Reason.Unknown.name(),
                    "the first check of the provider is under way");
        }
        return Conditions.of(PROVIDER_IN_SYNC, check.inSync(), check.reason().name(), check.message());
    }

    /** Members whose fresh report says they hold this FloatingIp, less those another holder superseded. */
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
        // A holder cut off from the network cannot report that it let go; once another holder took over after it was
        // last heard, its claim is the past, not a duplicate (see PairStatusAggregator.supersededClaims).
        out.removeAll(PairStatusAggregator.supersededClaims(out, ps.members).keySet());
        return out;
    }
}
