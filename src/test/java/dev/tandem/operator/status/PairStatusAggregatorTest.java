package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.MemberStatus.State;
import dev.tandem.api.v1alpha1.TransitionRecord;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PairStatusAggregatorTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final Duration STALE_AFTER = Duration.ofSeconds(30);
    private static final String FRESH = NOW.minusSeconds(2).toString();

    private static FailoverPairSpec spec(String... nodes) {
        FailoverPairSpec s = new FailoverPairSpec();
        int priority = 200;
        for (String n : nodes) {
            s.members.add(new MemberSpec(n, priority));
            priority -= 10;
        }
        return s;
    }

    private static MemberStatus report(State state, String lastSeen) {
        MemberStatus m = new MemberStatus(state, 100);
        m.lastSeen = lastSeen;
        return m;
    }

    private static FailoverPairStatus previous(String activeMember, Map<String, MemberStatus> reports) {
        FailoverPairStatus s = new FailoverPairStatus();
        s.activeMember = activeMember;
        s.members.putAll(reports);
        return s;
    }

    private static PairObservation observe(FailoverPairSpec spec, FailoverPairStatus previous, List<Blocker> blockers,
                                           List<Blocker> memberProblems, Integer agentsReady, Integer agentsDesired) {
        return new PairObservation(spec, 3L, previous, blockers, memberProblems, 42, null, Map.of(), Map.of(), agentsReady,
                agentsDesired, NOW, STALE_AFTER);
    }

    private static PairObservation observe(FailoverPairStatus previous) {
        return observe(spec("lb-1", "lb-2"), previous, List.of(), List.of(), 2, 2);
    }

    private static Condition condition(FailoverPairStatus s, String type) {
        Condition c = Conditions.find(s.conditions, type);
        assertThat(c).as(type + " condition").isNotNull();
        return c;
    }

    @Test
    void exactlyOneFreshMasterIsTheActiveMember() {
        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(previous("lb-1", Map.of(
                "lb-1", report(State.MASTER, FRESH),
                "lb-2", report(State.BACKUP, FRESH)))));

        assertThat(s.activeMember).isEqualTo("lb-1");
        assertThat(s.membersReady).isEqualTo("2/2");
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Ready").getReason()).isEqualTo("Active");
        assertThat(condition(s, "Ready").getMessage()).contains("lb-1");
        assertThat(condition(s, "Degraded").getStatus()).isEqualTo("False");
        assertThat(s.conditions).extracting(Condition::getType).containsExactly("Ready", "Degraded");
    }

    @Test
    void generationRouterIdSecretAndAddressesAreCarriedIntoStatus() {
        PairObservation o = new PairObservation(spec("lb-1", "lb-2"), 9L, null, List.of(), List.of(), 17, "lb-auth",
                Map.of("lb-1", "192.0.2.11"), Map.of("lb-1", "digitalocean://8219222"), 0, 2, NOW, STALE_AFTER);

        FailoverPairStatus s = PairStatusAggregator.aggregate(o);

        assertThat(s.observedGeneration).isEqualTo(9L);
        assertThat(s.virtualRouterId).isEqualTo(17);
        assertThat(s.authSecretName).isEqualTo("lb-auth");
        assertThat(s.memberAddresses).containsExactly(Map.entry("lb-1", "192.0.2.11"));
        assertThat(s.memberProviderIds).containsExactly(Map.entry("lb-1", "digitalocean://8219222"));
        assertThat(s.members).as("members belong to the agents; the operator never writes them").isNull();
        assertThat(s.conditions).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(9L));
    }

    @Test
    void twoMastersAreASplitBrainNamingBoth() {
        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(previous("lb-1", Map.of(
                "lb-1", report(State.MASTER, FRESH),
                "lb-2", report(State.MASTER, FRESH)))));

        assertThat(s.activeMember).isNull();
        Condition ready = condition(s, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("SplitBrain");
        assertThat(ready.getMessage()).contains("lb-1").contains("lb-2");
    }

    @Test
    void aMasterWhoseReportIsStaleIsIgnored() {
        String stale = NOW.minus(STALE_AFTER).minusMillis(1).toString();
        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(previous(null, Map.of(
                "lb-1", report(State.MASTER, stale),
                "lb-2", report(State.BACKUP, FRESH)))));

        assertThat(s.activeMember).isNull();
        assertThat(s.membersReady).isEqualTo("1/2");
        assertThat(condition(s, "Ready").getReason()).isEqualTo("NoActiveMember");
        assertThat(condition(s, "Degraded").getMessage()).contains("lb-1 has not reported since " + stale);
    }

    @Test
    void aReportExactlyStaleAfterOldIsStillBelieved() {
        String edge = NOW.minus(STALE_AFTER).toString();
        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(previous(null, Map.of(
                "lb-1", report(State.MASTER, edge),
                "lb-2", report(State.BACKUP, FRESH)))));

        assertThat(s.activeMember).isEqualTo("lb-1");
    }

    /** The lab's round: lb-1's link is cut; it cannot report FAULT, and lb-2 takes over two seconds after its last word. */
    @Test
    void aMasterLastHeardBeforeAnotherTookOverIsNoSplitBrain() {
        MemberStatus cutOff = report(State.MASTER, NOW.minusSeconds(5).toString());
        cutOff.since = NOW.minusSeconds(600).toString();
        MemberStatus successor = report(State.MASTER, FRESH);
        successor.since = NOW.minusSeconds(3).toString();
        successor.reason = "MasterDown";

        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(previous("lb-1", Map.of(
                "lb-1", cutOff, "lb-2", successor))));

        assertThat(s.activeMember).isEqualTo("lb-2");
        assertThat(condition(s, "Ready").getReason()).isEqualTo("Active");
        assertThat(condition(s, "Degraded").getMessage())
                .contains("lb-1 claimed MASTER until lb-2 took over and has not reported since " + cutOff.lastSeen);
        assertThat(s.history.getLast().time).as("when lb-2 took over, by its clock").isEqualTo(successor.since);
    }

    @Test
    void twoMastersBothHeardAfterBothTookOverAreASplitBrain() {
        MemberStatus first = report(State.MASTER, FRESH);
        first.since = NOW.minusSeconds(600).toString();
        MemberStatus second = report(State.MASTER, FRESH);
        second.since = NOW.minusSeconds(3).toString();

        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(previous("lb-1", Map.of(
                "lb-1", first, "lb-2", second))));

        assertThat(s.activeMember).isNull();
        assertThat(condition(s, "Ready").getReason()).isEqualTo("SplitBrain");
    }

    @Test
    void aStaleSecondMasterDoesNotCauseASplitBrain() {
        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(previous("lb-1", Map.of(
                "lb-1", report(State.MASTER, NOW.minusSeconds(300).toString()),
                "lb-2", report(State.MASTER, FRESH)))));

        assertThat(s.activeMember).isEqualTo("lb-2");
        assertThat(condition(s, "Ready").getReason()).isEqualTo("Active");
    }

    @Test
    void noMasterSaysHowManyAgentsTheDaemonSetHasReady() {
        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(spec("lb-1", "lb-2"), previous(null, Map.of(
                "lb-2", report(State.BACKUP, FRESH))), List.of(), List.of(), 1, 2));

        Condition ready = condition(s, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("NoActiveMember");
        assertThat(ready.getMessage()).contains("1 of 2 agents ready");
    }

    @Test
    void noMasterSaysWhenTheDaemonSetDoesNotExist() {
        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(spec("lb-1", "lb-2"), null, List.of(), List.of(),
                null, null));

        assertThat(condition(s, "Ready").getMessage()).contains("does not exist");
        assertThat(s.membersReady).isEqualTo("0/2");
    }

    @Test
    void blockersWinOverMemberStateAndTheFirstGivesTheReason() {
        List<Blocker> blockers = List.of(
                new Blocker("RouterIdConflict", "virtualRouterId 7 is already used by FailoverPair web/lb"),
                new Blocker("AuthSecretMissing", "Secret lb-hmac does not exist"));

        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(spec("lb-1", "lb-2"), previous("lb-1", Map.of(
                "lb-1", report(State.MASTER, FRESH),
                "lb-2", report(State.BACKUP, FRESH))), blockers, List.of(), 2, 2));

        Condition ready = condition(s, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("RouterIdConflict");
        assertThat(ready.getMessage()).contains("virtualRouterId 7").contains("Secret lb-hmac");
    }

    @Test
    void membersReadyCountsMastersAndBackupsOutOfAllMembers() {
        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(previous("lb-1", Map.of(
                "lb-1", report(State.MASTER, FRESH),
                "lb-2", report(State.FAULT, FRESH)))));

        assertThat(s.membersReady).isEqualTo("1/2");
        assertThat(s.activeMember).isEqualTo("lb-1");
    }

    @Test
    void degradedListsFaultFailingChecksAndSilentMembers() {
        MemberStatus fault = report(State.FAULT, FRESH);
        fault.reason = "HealthCheckFailed";
        MemberStatus backup = report(State.BACKUP, FRESH);
        backup.checks.put("haproxy", "failing");
        backup.checks.put("stats", "passing");

        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(spec("lb-1", "lb-2", "lb-3", "lb-4"),
                previous("lb-1", Map.of(
                        "lb-1", report(State.MASTER, FRESH),
                        "lb-2", fault,
                        "lb-3", backup)),
                List.of(), List.of(), 3, 4));

        Condition degraded = condition(s, "Degraded");
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("MemberUnhealthy");
        assertThat(degraded.getMessage())
                .contains("lb-2 is in FAULT (HealthCheckFailed)")
                .contains("lb-3 fails health check haproxy")
                .doesNotContain("stats")
                .contains("lb-4 has not reported");
        assertThat(s.membersReady).isEqualTo("2/4");
    }

    @Test
    void memberProblemsComeFirstAndGiveTheDegradedReason() {
        List<Blocker> memberProblems = List.of(new Blocker("MemberNodeMissing", "node lb-2 does not exist"));

        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(spec("lb-1", "lb-2"), previous("lb-1", Map.of(
                "lb-1", report(State.MASTER, FRESH))), List.of(), memberProblems, 1, 1));

        Condition degraded = condition(s, "Degraded");
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("MemberNodeMissing");
        assertThat(degraded.getMessage()).startsWith("node lb-2 does not exist").contains("lb-2 has not reported");
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
    }

    @Test
    void aChangeOfActiveMemberIsRecordedInHistory() {
        MemberStatus winner = report(State.MASTER, FRESH);
        winner.reason = "MasterDown";
        winner.takeoverMillis = 312L;
        FailoverPairStatus before = previous("lb-1", Map.of("lb-1", report(State.BACKUP, FRESH), "lb-2", winner));
        before.transitions = 4L;
        before.lastTransition = "2026-04-30T08:00:00Z";
        before.history.add(new TransitionRecord("2026-04-30T08:00:00Z", "lb-2", "lb-1", "Preempted"));

        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(before));

        assertThat(s.activeMember).isEqualTo("lb-2");
        assertThat(s.transitions).isEqualTo(5L);
        assertThat(s.lastTransition).isEqualTo("2026-05-01T12:00:00Z");
        assertThat(s.history).hasSize(2);
        TransitionRecord last = s.history.getLast();
        assertThat(last.time).isEqualTo("2026-05-01T12:00:00Z");
        assertThat(last.from).isEqualTo("lb-1");
        assertThat(last.to).isEqualTo("lb-2");
        assertThat(last.reason).isEqualTo("MasterDown");
        assertThat(last.takeoverMillis).isEqualTo(312L);
        assertThat(s.history.getFirst().reason).isEqualTo("Preempted");
    }

    @Test
    void aWinnerWithoutReasonIsRecordedAsElected() {
        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(previous(null, Map.of(
                "lb-1", report(State.MASTER, FRESH), "lb-2", report(State.BACKUP, FRESH)))));

        assertThat(s.history).singleElement().satisfies(r -> {
            assertThat(r.from).isNull();
            assertThat(r.to).isEqualTo("lb-1");
            assertThat(r.reason).isEqualTo("Elected");
            assertThat(r.takeoverMillis).isNull();
        });
        assertThat(s.transitions).isEqualTo(1L);
    }

    @Test
    void losingTheActiveMemberIsRecordedButNotCountedAsATransition() {
        FailoverPairStatus before = previous("lb-1", Map.of(
                "lb-1", report(State.FAULT, FRESH), "lb-2", report(State.BACKUP, FRESH)));
        before.transitions = 3L;

        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(before));

        assertThat(s.activeMember).isNull();
        assertThat(s.transitions).isEqualTo(3L);
        assertThat(s.history).singleElement().satisfies(r -> {
            assertThat(r.from).isEqualTo("lb-1");
            assertThat(r.to).isNull();
            assertThat(r.reason).isEqualTo("NoActiveMember");
        });
    }

    @Test
    void historyKeepsOnlyTheNewestEntries() {
        FailoverPairStatus before = previous("lb-1", Map.of(
                "lb-1", report(State.BACKUP, FRESH), "lb-2", report(State.MASTER, FRESH)));
        List<TransitionRecord> old = new ArrayList<>();
        for (int i = 0; i < PairStatusAggregator.HISTORY_LIMIT; i++) {
            old.add(new TransitionRecord("2026-04-0" + (i % 9 + 1) + "T00:00:00Z", "x", "y", "old-" + i));
        }
        before.history = old;
        before.transitions = (long) PairStatusAggregator.HISTORY_LIMIT;

        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(before));

        assertThat(s.history).hasSize(PairStatusAggregator.HISTORY_LIMIT);
        assertThat(s.history.getFirst().reason).isEqualTo("old-1");
        assertThat(s.history.getLast().to).isEqualTo("lb-2");
        assertThat(s.transitions).isEqualTo(PairStatusAggregator.HISTORY_LIMIT + 1L);
    }

    @Test
    void anUnchangedActiveMemberAddsNoHistory() {
        FailoverPairStatus before = previous("lb-1", Map.of(
                "lb-1", report(State.MASTER, FRESH), "lb-2", report(State.BACKUP, FRESH)));
        before.transitions = 2L;
        before.lastTransition = "2026-04-30T08:00:00Z";
        before.history.add(new TransitionRecord("2026-04-30T08:00:00Z", "lb-2", "lb-1", "Preempted"));

        FailoverPairStatus s = PairStatusAggregator.aggregate(observe(before));

        assertThat(s.history).hasSize(1);
        assertThat(s.transitions).isEqualTo(2L);
        assertThat(s.lastTransition).isEqualTo("2026-04-30T08:00:00Z");
    }

    @Test
    void aggregatingDoesNotChangeThePreviousHistory() {
        FailoverPairStatus before = previous(null, Map.of(
                "lb-1", report(State.MASTER, FRESH), "lb-2", report(State.BACKUP, FRESH)));

        PairStatusAggregator.aggregate(observe(before));

        assertThat(before.history).isEmpty();
    }
}
