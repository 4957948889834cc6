package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.FloatingIpStatus;
import dev.tandem.api.v1alpha1.FloatingIpStatus.Phase;
import dev.tandem.api.v1alpha1.LayerTwoSpec;
import dev.tandem.api.v1alpha1.LocalObjectRef;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.MemberStatus.State;
import dev.tandem.api.v1alpha1.MoveRecord;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.validation.SpecProblem;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FloatingIpStatusAggregatorTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final Duration STALE_AFTER = Duration.ofSeconds(30);
    private static final String FRESH = NOW.minusSeconds(1).toString();
    private static final String STALE = NOW.minusSeconds(120).toString();
    private static final String FIP = "web-vip";

    private static FloatingIpSpec spec() {
        FloatingIpSpec s = new FloatingIpSpec();
        s.address = "192.0.2.10";
        s.failoverPairRef = new LocalObjectRef("lb");
        s.provider = new ProviderSpec();
        s.provider.layer2 = new LayerTwoSpec();
        return s;
    }

    private static MemberStatus member(State state, String lastSeen, String... holds) {
        MemberStatus m = new MemberStatus(state, 100);
        m.lastSeen = lastSeen;
        m.holds = List.of(holds);
        return m;
    }

    private static FailoverPair pair(String active, Map<String, MemberStatus> members) {
        FailoverPair p = new FailoverPair();
        p.setStatus(new FailoverPairStatus());
        p.getStatus().activeMember = active;
        p.getStatus().members.putAll(members);
        return p;
    }

    private static FloatingIpObservation observe(FailoverPair pair, FloatingIpStatus previous, List<Blocker> blockers,
                                                 boolean deleting) {
        return new FloatingIpObservation(FIP, spec(), 5L, previous, blockers, pair, deleting, NOW, STALE_AFTER);
    }

    private static FloatingIpObservation observe(FailoverPair pair, FloatingIpStatus previous) {
        return observe(pair, previous, List.of(), false);
    }

    private static FloatingIpStatus previous(String holder, long moves) {
        FloatingIpStatus s = new FloatingIpStatus();
        s.holderNode = holder;
        s.moves = moves;
        return s;
    }

    private static Condition condition(FloatingIpStatus s, String type) {
        Condition c = Conditions.find(s.conditions, type);
        assertThat(c).as(type + " condition").isNotNull();
        return c;
    }

    @Test
    void heldByTheActiveMemberIsAssigned() {
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-1", Map.of(
                "lb-1", member(State.MASTER, FRESH, FIP, "other-vip"),
                "lb-2", member(State.BACKUP, FRESH, "other-vip"))), previous("lb-1", 1)));

        assertThat(s.phase).isEqualTo(Phase.Assigned);
        assertThat(s.holderNode).isEqualTo("lb-1");
        assertThat(s.provider).isEqualTo("layer2");
        assertThat(s.observedGeneration).isEqualTo(5L);
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Ready").getReason()).isEqualTo("Assigned");
        assertThat(condition(s, "References").getStatus()).isEqualTo("True");
        assertThat(condition(s, "References").getReason()).isEqualTo("Resolved");
        assertThat(s.conditions).extracting(Condition::getType).containsExactly("Ready", "References");
    }

    @Test
    void heldByAnotherMemberIsAssigningToTheActiveOne() {
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-2", Map.of(
                "lb-1", member(State.BACKUP, FRESH, FIP),
                "lb-2", member(State.MASTER, FRESH))), previous("lb-1", 1)));

        assertThat(s.phase).isEqualTo(Phase.Assigning);
        assertThat(s.holderNode).isEqualTo("lb-1");
        Condition ready = condition(s, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("Assigning");
        assertThat(ready.getMessage()).contains("lb-2").contains("from lb-1");
    }

    @Test
    void heldByNobodyWhileAMemberIsActiveIsAssigning() {
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-2", Map.of(
                "lb-2", member(State.MASTER, FRESH))), null));

        assertThat(s.phase).isEqualTo(Phase.Assigning);
        assertThat(s.holderNode).isNull();
        assertThat(condition(s, "Ready").getMessage()).contains("lb-2").doesNotContain("from");
    }

    @Test
    void withoutAnActiveMemberItIsPending() {
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair(null, Map.of(
                "lb-1", member(State.BACKUP, FRESH))), null));

        assertThat(s.phase).isEqualTo(Phase.Pending);
        assertThat(condition(s, "Ready").getReason()).isEqualTo("NoActiveMember");
        assertThat(condition(s, "Ready").getMessage()).contains("lb");
    }

    @Test
    void whileDeletingItIsReleasingAndNamesWhoStillHoldsIt() {
        FloatingIpStatus holding = FloatingIpStatusAggregator.aggregate(observe(pair("lb-1", Map.of(
                "lb-1", member(State.MASTER, FRESH, FIP))), previous("lb-1", 1), List.of(), true));
        FloatingIpStatus released = FloatingIpStatusAggregator.aggregate(observe(pair("lb-1", Map.of(
                "lb-1", member(State.MASTER, FRESH))), previous("lb-1", 1), List.of(), true));

        assertThat(holding.phase).isEqualTo(Phase.Releasing);
        assertThat(condition(holding, "Ready").getReason()).isEqualTo("Releasing");
        assertThat(condition(holding, "Ready").getMessage()).contains("lb-1");
        assertThat(released.phase).isEqualTo(Phase.Releasing);
        assertThat(condition(released, "Ready").getMessage()).contains("no member holds");
    }

    @Test
    void anInvalidSpecIsFailed() {
        Blocker invalid = Blocker.invalidSpec(List.of(new SpecProblem("spec.address", "\"vip\" is not an IPv4 or IPv6 address")));

        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(null, null, List.of(invalid), false));

        assertThat(s.phase).isEqualTo(Phase.Failed);
        assertThat(condition(s, "Ready").getReason()).isEqualTo("InvalidSpec");
        assertThat(condition(s, "Ready").getMessage()).contains("spec.address: \"vip\" is not an IPv4 or IPv6 address");
        assertThat(condition(s, "References").getStatus()).isEqualTo("False");
        assertThat(condition(s, "References").getReason()).isEqualTo("InvalidSpec");
    }

    @Test
    void aMissingReferenceIsPendingWithItsReasonOnBothConditions() {
        Blocker missing = new Blocker("PairNotFound", "FailoverPair lb does not exist");
        Blocker secret = new Blocker("SecretNotFound", "Secret do-token does not exist");

        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(null, null, List.of(missing, secret), false));

        assertThat(s.phase).isEqualTo(Phase.Pending);
        assertThat(condition(s, "Ready").getReason()).isEqualTo("PairNotFound");
        assertThat(condition(s, "Ready").getMessage()).contains("FailoverPair lb").contains("Secret do-token");
        Condition references = condition(s, "References");
        assertThat(references.getStatus()).isEqualTo("False");
        assertThat(references.getReason()).isEqualTo("PairNotFound");
        assertThat(references.getMessage()).contains("FailoverPair lb does not exist");
    }

    @Test
    void aStaleHolderIsIgnored() {
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-2", Map.of(
                "lb-1", member(State.MASTER, STALE, FIP),
                "lb-2", member(State.MASTER, FRESH))), previous("lb-1", 1)));

        assertThat(s.holderNode).isNull();
        assertThat(s.phase).isEqualTo(Phase.Assigning);
        assertThat(FloatingIpStatusAggregator.holders(observe(pair("lb-2", Map.of(
                "lb-1", member(State.MASTER, STALE, FIP))), null))).isEmpty();
    }

    @Test
    void twoFreshHoldersAreADuplicate() {
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-1", Map.of(
                "lb-1", member(State.MASTER, FRESH, FIP),
                "lb-2", member(State.BACKUP, FRESH, FIP))), previous("lb-1", 1)));

        assertThat(s.phase).isEqualTo(Phase.Assigning);
        assertThat(s.holderNode).isNull();
        Condition ready = condition(s, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("DuplicateHolder");
        assertThat(ready.getMessage()).contains("lb-1").contains("lb-2");
    }

    @Test
    void aNewHolderCountsAMoveFromTheOldOne() {
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-2", Map.of(
                "lb-1", member(State.BACKUP, FRESH),
                "lb-2", member(State.MASTER, FRESH, FIP))), previous("lb-1", 2)));

        assertThat(s.phase).isEqualTo(Phase.Assigned);
        assertThat(s.moves).isEqualTo(3L);
        assertThat(s.lastMove.from).isEqualTo("lb-1");
        assertThat(s.lastMove.to).isEqualTo("lb-2");
        assertThat(s.lastMove.time).isEqualTo("2026-05-01T12:00:00Z");
    }

    @Test
    void theSameHolderIsNoMove() {
        FloatingIpStatus before = previous("lb-1", 2);
        before.lastMove = new MoveRecord();
        before.lastMove.time = "2026-04-30T00:00:00Z";
        before.lastMove.from = "lb-2";
        before.lastMove.to = "lb-1";

        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-1", Map.of(
                "lb-1", member(State.MASTER, FRESH, FIP))), before));

        assertThat(s.moves).isEqualTo(2L);
        assertThat(s.lastMove.time).isEqualTo("2026-04-30T00:00:00Z");
        assertThat(s.lastMove.to).isEqualTo("lb-1");
    }

    @Test
    void aMoveAfterAGapComesFromTheLastHolder() {
        FloatingIpStatus before = previous(null, 1);
        before.lastMove = new MoveRecord();
        before.lastMove.to = "lb-1";

        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-2", Map.of(
                "lb-2", member(State.MASTER, FRESH, FIP))), before));

        assertThat(s.moves).isEqualTo(2L);
        assertThat(s.lastMove.from).isEqualTo("lb-1");
        assertThat(s.lastMove.to).isEqualTo("lb-2");
    }

    @Test
    void theFirstHolderIsAMoveFromNobody() {
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-1", Map.of(
                "lb-1", member(State.MASTER, FRESH, FIP))), null));

        assertThat(s.moves).isEqualTo(1L);
        assertThat(s.lastMove.from).isNull();
        assertThat(s.lastMove.to).isEqualTo("lb-1");
    }

    @Test
    void losingTheHolderIsNoMove() {
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-1", Map.of(
                "lb-1", member(State.MASTER, FRESH))), previous("lb-1", 4)));

        assertThat(s.holderNode).isNull();
        assertThat(s.moves).isEqualTo(4L);
    }
}
