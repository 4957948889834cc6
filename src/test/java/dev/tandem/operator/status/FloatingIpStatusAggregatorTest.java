package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.DigitalOceanSpec;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.FloatingIpStatus;
import dev.tandem.api.v1alpha1.FloatingIpStatus.DriftRepair;
import dev.tandem.api.v1alpha1.FloatingIpStatus.Phase;
import dev.tandem.api.v1alpha1.LayerTwoSpec;
import dev.tandem.api.v1alpha1.LocalObjectRef;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.MemberStatus.State;
import dev.tandem.api.v1alpha1.MoveRecord;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
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

    /** A holder whose link was cut still reports holding it; lb-2 took over after lb-1 was last heard. */
    @Test
    void aHolderLastHeardBeforeTheNewHolderTookOverIsNoDuplicate() {
        MemberStatus cutOff = member(State.MASTER, NOW.minusSeconds(5).toString(), FIP);
        cutOff.since = NOW.minusSeconds(600).toString();
        MemberStatus successor = member(State.MASTER, FRESH, FIP);
        successor.since = NOW.minusSeconds(3).toString();

        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-2", Map.of(
                "lb-1", cutOff, "lb-2", successor)), previous("lb-1", 1)));

        assertThat(s.holderNode).isEqualTo("lb-2");
        assertThat(condition(s, "Ready").getReason()).isNotEqualTo("DuplicateHolder");
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

    // ---- cloud providers: the agent's provider errors, ProviderInSync and drift repairs ----

    private static FloatingIpSpec cloudSpec() {
        FloatingIpSpec s = spec();
        s.provider = new ProviderSpec();
        s.provider.digitalocean = new DigitalOceanSpec();
        s.provider.digitalocean.credentialsSecretRef = new SecretKeyRef("do-token", null);
        return s;
    }

    private static FloatingIpObservation cloud(FailoverPair pair, FloatingIpStatus previous, ProviderCheck check) {
        return new FloatingIpObservation(FIP, cloudSpec(), 5L, previous, List.of(), pair, false, NOW, STALE_AFTER,
                check);
    }

    private static DriftRepair repair(String time) {
        return new DriftRepair(time, "102", "lb-2", "101", "lb-1");
    }

    @Test
    void theActiveMembersProviderErrorIsTheReadyMessageWhileAssigning() {
        MemberStatus master = member(State.MASTER, FRESH);
        master.providerErrors.put(FIP, "digitalocean assign: HTTP 401; check the API token");
        master.providerErrors.put("other-vip", "unrelated");
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(cloud(pair("lb-1", Map.of("lb-1", master)),
                null, null));

        assertThat(s.phase).isEqualTo(Phase.Assigning);
        Condition ready = condition(s, "Ready");
        assertThat(ready.getReason()).isEqualTo("ProviderError");
        assertThat(ready.getMessage()).contains("lb-1").contains("HTTP 401; check the API token")
                .doesNotContain("unrelated");

        // Once the agent holds it, an old entry does not make it unready.
        MemberStatus holding = member(State.MASTER, FRESH, FIP);
        holding.providerErrors.put(FIP, "stale entry");
        assertThat(condition(FloatingIpStatusAggregator.aggregate(cloud(pair("lb-1", Map.of("lb-1", holding)),
                null, null)), "Ready").getReason()).isEqualTo("Assigned");
    }

    @Test
    void aCloudFloatingIpShowsTheLatestProviderCheck() {
        FailoverPair p = pair("lb-1", Map.of("lb-1", member(State.MASTER, FRESH, FIP)));
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(cloud(p, null,
                ProviderCheck.of(ProviderCheck.Reason.ProviderError, "digitalocean get_reserved_ip: HTTP 503")));

        assertThat(s.conditions).extracting(Condition::getType).containsExactly("Ready", "References", "ProviderInSync");
        Condition sync = condition(s, "ProviderInSync");
        assertThat(sync.getStatus()).isEqualTo("False");
        assertThat(sync.getReason()).isEqualTo("ProviderError");
        assertThat(sync.getMessage()).isEqualTo("digitalocean get_reserved_ip: HTTP 503");
        assertThat(s.driftRepairs).isZero();

        FloatingIpStatus inSync = FloatingIpStatusAggregator.aggregate(cloud(p, s,
                ProviderCheck.of(ProviderCheck.Reason.InSync, "digitalocean has it on lb-1")));
        assertThat(condition(inSync, "ProviderInSync").getStatus()).isEqualTo("True");
        assertThat(condition(inSync, "ProviderInSync").getReason()).isEqualTo("InSync");
    }

    @Test
    void beforeTheFirstCheckThePreviousConditionIsKept() {
        FailoverPair p = pair("lb-1", Map.of("lb-1", member(State.MASTER, FRESH, FIP)));
        FloatingIpStatus first = FloatingIpStatusAggregator.aggregate(cloud(p, null, null));
        assertThat(condition(first, "ProviderInSync").getReason()).isEqualTo("Unknown");
        assertThat(condition(first, "ProviderInSync").getMessage()).contains("first check");

        FloatingIpStatus checked = FloatingIpStatusAggregator.aggregate(cloud(p, first,
                ProviderCheck.of(ProviderCheck.Reason.InSync, "digitalocean has it on lb-1")));
        // An operator that restarted has no check yet: it does not flip the condition to Unknown.
        FloatingIpStatus restarted = FloatingIpStatusAggregator.aggregate(cloud(p, checked, null));
        assertThat(condition(restarted, "ProviderInSync").getStatus()).isEqualTo("True");
        assertThat(condition(restarted, "ProviderInSync").getMessage()).isEqualTo("digitalocean has it on lb-1");
    }

    @Test
    void aDriftRepairCountsOnceHoweverOftenTheStatusIsComputed() {
        FailoverPair p = pair("lb-1", Map.of("lb-1", member(State.MASTER, FRESH, FIP)));
        ProviderCheck repaired = ProviderCheck.of(ProviderCheck.Reason.InSync, "in sync")
                .withLastRepair(repair("2026-05-01T11:59:59.123Z"));
        FloatingIpStatus before = FloatingIpStatusAggregator.aggregate(cloud(p, null, null));

        FloatingIpStatus once = FloatingIpStatusAggregator.aggregate(cloud(p, before, repaired));
        assertThat(once.driftRepairs).isEqualTo(1L);
        assertThat(once.lastDriftRepair.from).isEqualTo("102");
        assertThat(once.lastDriftRepair.fromNode).isEqualTo("lb-2");
        assertThat(once.lastDriftRepair.to).isEqualTo("101");
        assertThat(once.lastDriftRepair.toNode).isEqualTo("lb-1");
        // From the written status, and again from the older copy (an informer cache that lags): the same result.
        assertThat(FloatingIpStatusAggregator.aggregate(cloud(p, once, repaired)).driftRepairs).isEqualTo(1L);
        assertThat(FloatingIpStatusAggregator.aggregate(cloud(p, before, repaired)).driftRepairs).isEqualTo(1L);

        FloatingIpStatus twice = FloatingIpStatusAggregator.aggregate(cloud(p, once,
                repaired.withLastRepair(repair("2026-05-01T12:00:00Z"))));
        assertThat(twice.driftRepairs).isEqualTo(2L);
        assertThat(twice.lastDriftRepair.time).isEqualTo("2026-05-01T12:00:00Z");
        // A check without a repair keeps the record.
        FloatingIpStatus later = FloatingIpStatusAggregator.aggregate(cloud(p, twice,
                ProviderCheck.of(ProviderCheck.Reason.InSync, "in sync")));
        assertThat(later.driftRepairs).isEqualTo(2L);
        assertThat(later.lastDriftRepair.time).isEqualTo("2026-05-01T12:00:00Z");
    }

    @Test
    void aBlockedOrDeletedCloudFloatingIpIsNotChecked() {
        Blocker secret = new Blocker("SecretNotFound", "Secret do-token does not exist");
        FloatingIpStatus blocked = FloatingIpStatusAggregator.aggregate(new FloatingIpObservation(FIP, cloudSpec(), 5L,
                null, List.of(secret), null, false, NOW, STALE_AFTER, null));
        assertThat(condition(blocked, "ProviderInSync").getReason()).isEqualTo("Unknown");
        assertThat(condition(blocked, "ProviderInSync").getMessage()).contains("References");

        FloatingIpStatus deleting = FloatingIpStatusAggregator.aggregate(new FloatingIpObservation(FIP, cloudSpec(),
                5L, null, List.of(), null, true, NOW, STALE_AFTER, null));
        assertThat(condition(deleting, "ProviderInSync").getMessage()).contains("being deleted");
    }

    @Test
    void aLayer2FloatingIpHasNoProviderCondition() {
        FloatingIpStatus s = FloatingIpStatusAggregator.aggregate(observe(pair("lb-1", Map.of(
                "lb-1", member(State.MASTER, FRESH, FIP))), null));
        assertThat(Conditions.find(s.conditions, "ProviderInSync")).isNull();
        assertThat(s.driftRepairs).isNull();
        assertThat(s.lastDriftRepair).isNull();
    }
}
