package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.operator.status.ProviderCheck.Reason;
import dev.tandem.provider.ProviderHolder;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * When the operator calls a cloud FloatingIp's state drift, and so moves the address back to the active member.
 *
 * <p>The agent of the member that becomes MASTER moves the address itself; the operator only checks. It repairs when,
 * at one check, all of these hold:
 * <ol>
 *   <li>the pair has an active member ({@code status.activeMember}: exactly one fresh MASTER report);</li>
 *   <li>that member's own report is fresh and says MASTER (the pair's status may lag behind the reports);</li>
 *   <li>the operator knows the member's machine id, from its node's {@code spec.providerID} (or its node name, for
 *   providers that map members by node);</li>
 *   <li>the provider's holder is settled: no pending action, lock or half-done switch;</li>
 *   <li>the provider has the address on another machine, or on none;</li>
 *   <li>the member has been MASTER for at least the grace period ({@code since} in its report, else the pair's
 *   {@code lastTransition}), so its agent has had its chance to move the address;</li>
 *   <li>its report has no {@code providerErrors} entry for this FloatingIp: while it has one, the agent is still
 *   retrying its own move, and the operator reports the agent's error instead of racing it.</li>
 * </ol>
 * The repair is guarded: right before each mutating request, {@link #stillActive} reads the pair again and allows it
 * only while the same member is active, fresh, MASTER and MASTER since the same time. Anything else is reported in
 * {@code ProviderInSync} and never repaired.
 */
public final class DriftRule {
    private DriftRule() {
    }

    /**
     * What a check is about, for messages.
     *
     * @param provider the provider's name, e.g. digitalocean
     */
    public record Subject(String floatingIp, String provider, String address) {
    }

    /**
     * The pair's active member as the rule sees it.
     *
     * @param since      when it became MASTER, null when unknown
     * @param sinceText  its report's {@code since} as written, for {@link #stillActive}
     * @param agentError its agent's provider error for this FloatingIp, null when none
     */
    public record ActiveMember(String node, String machineId, Instant since, String sinceText, String agentError) {
    }

    /** The outcome of looking at the pair before the provider is asked. */
    public sealed interface Precheck permits Checkable, NotCheckable {
    }

    /** The provider's holder can be compared with {@code active}; {@code nodeOfMachine} names members' machines. */
    public record Checkable(ActiveMember active, Map<String, String> nodeOfMachine) implements Precheck {
    }

    /** Nothing to compare; {@code check} says why. */
    public record NotCheckable(ProviderCheck check) implements Precheck {
    }

    /** The outcome of comparing the provider's holder with the active member. */
    public sealed interface Judgement permits Verdict, Repair {
    }

    /** No repair; {@code check} is what to report. */
    public record Verdict(ProviderCheck check) implements Judgement {
    }

    /**
     * Drift: move the address to {@code to}.
     *
     * @param from     the machine that holds it, null when none does
     * @param fromNode the member node of that machine, null when it is none of the pair's
     */
    public record Repair(ActiveMember to, String from, String fromNode, String description) implements Judgement {
    }

    /**
     * Looks at the pair: is there an active member whose machine the provider's answer can be compared with?
     *
     * @param machineIdOf a member node's machine id at this provider, from its providerID
     */
    public static Precheck precheck(Subject s, FailoverPair pair, Instant now, Duration staleAfter,
                                    Function<String, Optional<String>> machineIdOf) {
        FailoverPairStatus ps = pair == null ? null : pair.getStatus();
        String pairName = pair == null ? "the FailoverPair" : "FailoverPair " + pair.getMetadata().getName();
        if (ps == null || ps.activeMember == null) {
            return unknown(pairName + " has no active member; " + s.provider() + " is not asked until it has one");
        }
        String node = ps.activeMember;
        MemberStatus report = ps.members == null ? null : ps.members.get(node);
        if (!MemberLiveness.isFresh(report, now, staleAfter)) {
            return unknown("the active member " + node + " has not reported for more than " + staleAfter.toSeconds()
                    + "s; its agent may be gone");
        }
        if (report.state != MemberStatus.State.MASTER) {
            return unknown("the active member " + node + " reports " + report.state + ", not MASTER; waiting for the"
                    + " pair to settle");
        }
        Optional<String> machine = machineIdOf.apply(node);
        if (machine.isEmpty()) {
            String providerId = ps.memberProviderIds == null ? null : ps.memberProviderIds.get(node);
            return unknown("cannot tell which " + s.provider() + " machine is the active member " + node + ": its"
                    + " node's spec.providerID " + (providerId == null ? "is not set" : "'" + providerId
                    + "' is not a " + s.provider() + " one"));
        }
        Instant since = parse(report.since);
        if (since == null) {
            since = parse(ps.lastTransition);
        }
        String agentError = report.providerErrors == null ? null : report.providerErrors.get(s.floatingIp());
        ActiveMember active = new ActiveMember(node, machine.get(), since, report.since,
                agentError == null || agentError.isBlank() ? null : agentError);
        return new Checkable(active, nodeOfMachine(pair, machineIdOf));
    }

    /** Compares the provider's holder with the active member. */
    public static Judgement judge(Subject s, Checkable c, ProviderHolder holder, Instant now, Duration grace) {
        ActiveMember active = c.active();
        String activeText = "the active member " + describeNode(active.node(), active.machineId());
        if (!holder.settled()) {
            return verdict(Reason.Repairing, s.provider() + " reports a change in progress (" + holder.detail()
                    + "); the next check waits for it to settle");
        }
        if (holder.isHeldBy(active.machineId())) {
            return verdict(Reason.InSync, inSyncMessage(s, active));
        }
        String from = holder.machineId().orElse(null);
        String fromNode = from == null ? null : c.nodeOfMachine().get(from);
        String where = s.provider() + " has " + s.address() + (from == null ? " on no machine"
                : " on " + describe(from, fromNode)) + ", not on " + activeText;
        if (active.agentError() != null) {
            return verdict(Reason.ProviderError, where + ", whose agent reports: " + active.agentError());
        }
        if (active.since() == null) {
            return verdict(Reason.Unknown, where + ", and its report does not say since when it is MASTER;"
                    + " waiting for its agent");
        }
        if (now.isBefore(active.since().plus(grace))) {
            return verdict(Reason.Repairing, where + "; it became MASTER less than " + grace.toSeconds()
                    + "s ago and its agent is moving the address");
        }
        return new Repair(active, from, fromNode, where);
    }

    /** What {@code ProviderInSync} says when the provider has the address on the active member's machine. */
    public static String inSyncMessage(Subject s, ActiveMember active) {
        return s.provider() + " has " + s.address() + " on the active member " + describeNode(active.node(),
                active.machineId());
    }

    /** The repair guard: the member of {@code active} is still the active one, fresh, MASTER since the same time. */
    public static boolean stillActive(FailoverPair pair, ActiveMember active, Instant now, Duration staleAfter) {
        if (pair == null || pair.getStatus() == null || !active.node().equals(pair.getStatus().activeMember)) {
            return false;
        }
        MemberStatus report = pair.getStatus().members == null ? null : pair.getStatus().members.get(active.node());
        return MemberLiveness.isFresh(report, now, staleAfter) && report.state == MemberStatus.State.MASTER
                && Objects.equals(report.since, active.sinceText());
    }

    /** "102 (lb-2)", "lb-2" for providers that use node names, or "102 (not a member of the pair)". */
    public static String describe(String machineId, String node) {
        if (node == null) {
            return machineId + " (not a member of the pair)";
        }
        return describeNode(node, machineId);
    }

    private static String describeNode(String node, String machineId) {
        return node.equals(machineId) ? node : node + " (" + machineId + ")";
    }

    /** Each member's machine id, mapped back to its node. */
    private static Map<String, String> nodeOfMachine(FailoverPair pair, Function<String, Optional<String>> machineIdOf) {
        Set<String> nodes = new LinkedHashSet<>();
        if (pair.getSpec() != null && pair.getSpec().members != null) {
            pair.getSpec().members.stream().filter(Objects::nonNull).map((MemberSpec m) -> m.node)
                    .filter(Objects::nonNull).forEach(nodes::add);
        }
        if (pair.getStatus().memberProviderIds != null) {
            nodes.addAll(pair.getStatus().memberProviderIds.keySet());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String node : nodes) {
            machineIdOf.apply(node).ifPresent(id -> out.putIfAbsent(id, node));
        }
        return out;
    }

    private static Instant parse(String time) {
        if (time == null) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static NotCheckable unknown(String message) {
        return new NotCheckable(ProviderCheck.of(Reason.Unknown, message));
    }

    private static Verdict verdict(Reason reason, String message) {
        return new Verdict(ProviderCheck.of(reason, message));
    }
}
