package dev.tandem.operator.status;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.MemberStatus.State;
import dev.tandem.operator.status.DriftRule.Checkable;
import dev.tandem.operator.status.DriftRule.Judgement;
import dev.tandem.operator.status.DriftRule.NotCheckable;
import dev.tandem.operator.status.DriftRule.Precheck;
import dev.tandem.operator.status.DriftRule.Repair;
import dev.tandem.operator.status.DriftRule.Verdict;
import dev.tandem.operator.status.ProviderCheck.Reason;
import dev.tandem.provider.ProviderHolder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The drift rule without a cluster: when the operator moves an address back, and what it says when it does not. */
class DriftRuleTest {
    private static final Instant NOW = Instant.parse("2026-05-04T10:00:00Z");
    private static final Duration STALE_AFTER = Duration.ofSeconds(30);
    private static final Duration GRACE = Duration.ofSeconds(15);
    private static final DriftRule.Subject SUBJECT = new DriftRule.Subject("web-vip", "digitalocean", "203.0.113.10");
    /** digitalocean://<id> as the digitalocean provider parses it. */
    private static final Function<String, Optional<String>> DROPLETS = node -> Optional.empty();

    private static FailoverPair pair(String active, MemberStatus activeReport) {
        FailoverPair p = new FailoverPair();
        p.setMetadata(new ObjectMetaBuilder().withName("lb").withNamespace("ns").build());
        p.setSpec(new FailoverPairSpec());
        p.getSpec().members.add(new MemberSpec("lb-1", 200));
        p.getSpec().members.add(new MemberSpec("lb-2", 150));
        p.setStatus(new FailoverPairStatus());
        p.getStatus().activeMember = active;
        p.getStatus().memberProviderIds.put("lb-1", "digitalocean://101");
        p.getStatus().memberProviderIds.put("lb-2", "digitalocean://102");
        if (active != null) {
            p.getStatus().members.put(active, activeReport);
        }
        MemberStatus backup = report(State.BACKUP, NOW.minusSeconds(600));
        p.getStatus().members.putIfAbsent("lb-2", backup);
        return p;
    }

    private static MemberStatus report(State state, Instant since) {
        MemberStatus m = new MemberStatus(state, 100);
        m.lastSeen = NOW.minusSeconds(2).toString();
        m.since = since == null ? null : since.toString();
        return m;
    }

    private static Function<String, Optional<String>> machineIds(FailoverPair p) {
        return node -> Optional.ofNullable(p.getStatus().memberProviderIds.get(node))
                .filter(id -> id.startsWith("digitalocean://")).map(id -> id.substring("digitalocean://".length()));
    }

    private static Precheck precheck(FailoverPair p) {
        return DriftRule.precheck(SUBJECT, p, NOW, STALE_AFTER, machineIds(p));
    }

    private static Judgement judge(FailoverPair p, ProviderHolder holder) {
        Precheck pre = precheck(p);
        assertThat(pre).isInstanceOf(Checkable.class);
        return DriftRule.judge(SUBJECT, (Checkable) pre, holder, NOW, GRACE);
    }

    private static ProviderCheck verdict(Judgement j) {
        assertThat(j).isInstanceOf(Verdict.class);
        return ((Verdict) j).check();
    }

    private static FailoverPair settledMaster() {
        return pair("lb-1", report(State.MASTER, NOW.minusSeconds(60)));
    }

    @Test
    void heldByTheActiveMembersMachineIsInSync() {
        ProviderCheck c = verdict(judge(settledMaster(), ProviderHolder.of("101")));
        assertThat(c.reason()).isEqualTo(Reason.InSync);
        assertThat(c.inSync()).isTrue();
        assertThat(c.message()).contains("digitalocean").contains("203.0.113.10").contains("lb-1 (101)");
    }

    @Test
    void onTheBackupsMachineAfterTheGraceIsDriftToRepair() {
        Judgement j = judge(settledMaster(), ProviderHolder.of("102"));
        assertThat(j).isInstanceOf(Repair.class);
        Repair r = (Repair) j;
        assertThat(r.from()).isEqualTo("102");
        assertThat(r.fromNode()).isEqualTo("lb-2");
        assertThat(r.to().node()).isEqualTo("lb-1");
        assertThat(r.to().machineId()).isEqualTo("101");
        assertThat(r.description()).contains("lb-2 (102)").contains("not on the active member lb-1 (101)");
    }

    @Test
    void unassignedOrOnAStrangersMachineIsDriftToo() {
        Repair none = (Repair) judge(settledMaster(), ProviderHolder.none());
        assertThat(none.from()).isNull();
        assertThat(none.description()).contains("on no machine");
        Repair stranger = (Repair) judge(settledMaster(), ProviderHolder.of("999"));
        assertThat(stranger.fromNode()).isNull();
        assertThat(stranger.description()).contains("999 (not a member of the pair)");
    }

    @Test
    void withinTheGraceTheAgentsOwnMoveHasItsChance() {
        FailoverPair p = pair("lb-1", report(State.MASTER, NOW.minusSeconds(14)));
        ProviderCheck c = verdict(judge(p, ProviderHolder.of("102")));
        assertThat(c.reason()).isEqualTo(Reason.Repairing);
        assertThat(c.message()).contains("less than 15s ago").contains("its agent is moving");
        // One second later the grace is over.
        Checkable later = (Checkable) precheck(p);
        assertThat(DriftRule.judge(SUBJECT, later, ProviderHolder.of("102"), NOW.plusSeconds(1), GRACE))
                .isInstanceOf(Repair.class);
    }

    @Test
    void aPendingActionIsNeverRepaired() {
        ProviderCheck c = verdict(judge(settledMaster(), ProviderHolder.pending(Optional.of("102"),
                "reserved IP 203.0.113.10 is locked by a pending action 42")));
        assertThat(c.reason()).isEqualTo(Reason.Repairing);
        assertThat(c.message()).contains("locked by a pending action 42");
    }

    @Test
    void theAgentsOwnProviderErrorIsReportedInsteadOfRacingIt() {
        FailoverPair p = settledMaster();
        p.getStatus().members.get("lb-1").providerErrors.put("web-vip", "digitalocean assign: HTTP 503");
        ProviderCheck c = verdict(judge(p, ProviderHolder.of("102")));
        assertThat(c.reason()).isEqualTo(Reason.ProviderError);
        assertThat(c.message()).contains("whose agent reports: digitalocean assign: HTTP 503");
        // An error about another FloatingIp does not stop this one's repair.
        FailoverPair other = settledMaster();
        other.getStatus().members.get("lb-1").providerErrors.put("other-vip", "HTTP 503");
        assertThat(judge(other, ProviderHolder.of("102"))).isInstanceOf(Repair.class);
    }

    @Test
    void withoutAnActiveMemberThereIsNothingToCompare() {
        Precheck pre = DriftRule.precheck(SUBJECT, pair(null, null), NOW, STALE_AFTER, DROPLETS);
        assertThat(pre).isInstanceOf(NotCheckable.class);
        ProviderCheck c = ((NotCheckable) pre).check();
        assertThat(c.reason()).isEqualTo(Reason.Unknown);
        assertThat(c.message()).contains("FailoverPair lb has no active member");
        assertThat(((NotCheckable) DriftRule.precheck(SUBJECT, null, NOW, STALE_AFTER, DROPLETS)).check().reason())
                .isEqualTo(Reason.Unknown);
    }

    @Test
    void aStaleOrNonMasterReportOfTheActiveMemberIsNotTrusted() {
        MemberStatus stale = report(State.MASTER, NOW.minusSeconds(600));
        stale.lastSeen = NOW.minusSeconds(31).toString();
        NotCheckable s = (NotCheckable) precheck(pair("lb-1", stale));
        assertThat(s.check().message()).contains("lb-1 has not reported for more than 30s");

        NotCheckable b = (NotCheckable) precheck(pair("lb-1", report(State.BACKUP, NOW.minusSeconds(600))));
        assertThat(b.check().message()).contains("lb-1 reports BACKUP, not MASTER");
    }

    @Test
    void anUnknownMachineIdIsReportedWithTheProviderIdToFix() {
        FailoverPair p = settledMaster();
        p.getStatus().memberProviderIds.put("lb-1", "hcloud://42");
        NotCheckable c = (NotCheckable) precheck(p);
        assertThat(c.check().reason()).isEqualTo(Reason.Unknown);
        assertThat(c.check().message()).contains("lb-1").contains("'hcloud://42' is not a digitalocean one");
        p.getStatus().memberProviderIds.remove("lb-1");
        assertThat(((NotCheckable) precheck(p)).check().message()).contains("spec.providerID is not set");
    }

    @Test
    void sinceFallsBackToThePairsLastTransitionAndUnknownSinceIsNotRepaired() {
        FailoverPair p = pair("lb-1", report(State.MASTER, null));
        p.getStatus().lastTransition = NOW.minusSeconds(60).toString();
        assertThat(judge(p, ProviderHolder.of("102"))).isInstanceOf(Repair.class);
        p.getStatus().lastTransition = NOW.minusSeconds(5).toString();
        assertThat(verdict(judge(p, ProviderHolder.of("102"))).reason()).isEqualTo(Reason.Repairing);
        p.getStatus().lastTransition = null;
        ProviderCheck c = verdict(judge(p, ProviderHolder.of("102")));
        assertThat(c.reason()).isEqualTo(Reason.Unknown);
        assertThat(c.message()).contains("does not say since when it is MASTER");
    }

    @Test
    void theGuardAllowsOnlyTheSameMemberStillMasterSinceTheSameTime() {
        FailoverPair p = settledMaster();
        Checkable c = (Checkable) precheck(p);
        assertThat(DriftRule.stillActive(p, c.active(), NOW, STALE_AFTER)).isTrue();

        FailoverPair moved = pair("lb-2", report(State.MASTER, NOW));
        assertThat(DriftRule.stillActive(moved, c.active(), NOW, STALE_AFTER)).as("another member is active").isFalse();

        FailoverPair steppedDown = settledMaster();
        steppedDown.getStatus().members.put("lb-1", report(State.BACKUP, NOW));
        assertThat(DriftRule.stillActive(steppedDown, c.active(), NOW, STALE_AFTER)).as("BACKUP now").isFalse();

        FailoverPair flapped = pair("lb-1", report(State.MASTER, NOW.minusSeconds(1)));
        assertThat(DriftRule.stillActive(flapped, c.active(), NOW, STALE_AFTER)).as("MASTER again, anew").isFalse();

        assertThat(DriftRule.stillActive(p, c.active(), NOW.plusSeconds(60), STALE_AFTER)).as("stale").isFalse();
        assertThat(DriftRule.stillActive(null, c.active(), NOW, STALE_AFTER)).as("pair gone").isFalse();
    }

    @Test
    void providersThatMapMembersByNodeNameSayJustTheNode() {
        FailoverPair p = settledMaster();
        Checkable c = (Checkable) DriftRule.precheck(SUBJECT, p, NOW, STALE_AFTER, Optional::of);
        Repair r = (Repair) DriftRule.judge(SUBJECT, c, ProviderHolder.of("lb-2"), NOW, GRACE);
        assertThat(r.fromNode()).isEqualTo("lb-2");
        assertThat(r.description()).contains("on lb-2,").contains("active member lb-1");
    }
}
