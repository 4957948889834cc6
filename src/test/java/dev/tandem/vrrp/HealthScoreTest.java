package dev.tandem.vrrp;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthScoreTest {

    private static void feed(HealthScore score, String check, boolean ok, int times) {
        for (int i = 0; i < times; i++) {
            score.record(check, ok);
        }
    }

    @Test
    void aCheckStartsFailingAndPassesAfterRiseSuccessesInARow() {
        HealthScore score = new HealthScore(100, List.of(new CheckRule("haproxy", 3, 2, 0)));
        assertThat(score.isPassing("haproxy")).isFalse();
        assertThat(score.verdict().isFault()).isTrue();

        assertThat(score.record("haproxy", true)).isFalse();
        assertThat(score.record("haproxy", true)).isFalse();
        assertThat(score.record("haproxy", false)).as("a failure restarts the count").isFalse();
        assertThat(score.record("haproxy", true)).isFalse();
        assertThat(score.record("haproxy", true)).isFalse();
        assertThat(score.record("haproxy", true)).as("third success in a row").isTrue();
        assertThat(score.isPassing("haproxy")).isTrue();
        assertThat(score.verdict()).isEqualTo(new HealthVerdict(100, List.of(), List.of()));
    }

    @Test
    void aPassingCheckFailsAfterFallFailuresInARow() {
        HealthScore score = new HealthScore(100, List.of(new CheckRule("haproxy", 1, 3, 0)));
        score.record("haproxy", true);
        feed(score, "haproxy", false, 2);
        score.record("haproxy", true); // resets the failure count
        feed(score, "haproxy", false, 2);
        assertThat(score.isPassing("haproxy")).isTrue();
        assertThat(score.record("haproxy", false)).isTrue();
        assertThat(score.verdict().isFault()).isTrue();
        assertThat(score.verdict().describe()).isEqualTo("health check haproxy failing");
    }

    @Test
    void failingWeightedChecksLowerThePriorityByTheirWeights() {
        HealthScore score = new HealthScore(150, List.of(
                new CheckRule("web", 1, 1, 20), new CheckRule("db", 1, 1, 30), new CheckRule("dns", 1, 1, 5)));
        assertThat(score.verdict().effectivePriority()).as("all start failing").isEqualTo(95);
        score.record("web", true);
        score.record("dns", true);
        HealthVerdict verdict = score.verdict();
        assertThat(verdict.effectivePriority()).isEqualTo(120);
        assertThat(verdict.failingChecks()).containsExactly("db");
        assertThat(verdict.isFault()).isFalse();
        assertThat(verdict.describe()).isEqualTo("health check db failing");
        score.record("db", true);
        assertThat(score.verdict().effectivePriority()).isEqualTo(150);
    }

    @Test
    void thePriorityNeverDropsBelowOne() {
        HealthScore score = new HealthScore(10, List.of(new CheckRule("a", 1, 1, 200), new CheckRule("b", 1, 1, 254)));
        assertThat(score.verdict().effectivePriority()).isEqualTo(1);
    }

    @Test
    void theOwnerKeeps255OnlyWhileNoWeightedCheckFails() {
        HealthScore owner = new HealthScore(255, List.of(new CheckRule("link", 1, 1, 10)));
        assertThat(owner.verdict().effectivePriority()).isEqualTo(245);
        owner.record("link", true);
        assertThat(owner.verdict().effectivePriority()).isEqualTo(255);

        HealthScore noChecks = new HealthScore(255, List.of());
        assertThat(noChecks.verdict().effectivePriority()).isEqualTo(255);
        assertThat(noChecks.verdict().describe()).isEqualTo("all health checks passing");
    }

    @Test
    void aFailingCheckWithoutWeightIsAFaultWhateverThePriority() {
        HealthScore score = new HealthScore(200, List.of(
                new CheckRule("haproxy", 1, 1, 0), new CheckRule("web", 1, 1, 20)));
        score.record("web", true);
        HealthVerdict verdict = score.verdict();
        assertThat(verdict.isFault()).isTrue();
        assertThat(verdict.faultChecks()).containsExactly("haproxy");
        assertThat(verdict.effectivePriority()).isEqualTo(200);
    }

    @Test
    void describesSeveralFailingChecks() {
        HealthScore score = new HealthScore(200, List.of(new CheckRule("a", 1, 1, 0), new CheckRule("b", 1, 1, 0)));
        assertThat(score.verdict().describe()).isEqualTo("health checks a, b failing");
    }

    @Test
    void rejectsBadRulesAndUnknownChecks() {
        assertThatThrownBy(() -> new CheckRule("x", 0, 1, 0)).hasMessage("check x: rise must be at least 1, got 0");
        assertThatThrownBy(() -> new CheckRule("x", 1, 0, 0)).hasMessage("check x: fall must be at least 1, got 0");
        assertThatThrownBy(() -> new CheckRule("x", 1, 1, 255)).hasMessageEndingWith("got 255");
        assertThatThrownBy(() -> new CheckRule(" ", 1, 1, 0)).hasMessageContaining("needs a name");
        assertThatThrownBy(() -> new HealthScore(0, List.of())).hasMessage("base priority must be 1-255, got 0");
        CheckRule a = new CheckRule("a", 1, 1, 0);
        assertThatThrownBy(() -> new HealthScore(100, List.of(a, a))).hasMessage("health check a is defined twice");
        HealthScore score = new HealthScore(100, List.of(a));
        assertThatThrownBy(() -> score.record("b", true)).hasMessageContaining("no health check named b");
    }

    @Test
    void drivesAVirtualRouterIntoFaultAndBack() {
        HealthScore score = new HealthScore(100, List.of(new CheckRule("haproxy", 2, 2, 0)));
        VirtualRouter router = new VirtualRouter(Routers.config(100));
        long now = Routers.T0;
        HealthVerdict verdict = score.verdict();
        router.enterFault(Reason.HEALTH_CHECK_FAILED, verdict.describe(), now);
        assertThat(router.start(now)).singleElement().isInstanceOf(Action.EnterFault.class);

        feed(score, "haproxy", true, 2);
        assertThat(score.verdict().isFault()).isFalse();
        router.setEffectivePriority(score.verdict().effectivePriority(), now);
        assertThat(router.leaveFault(Reason.HEALTH_CHECK_FAILED, now)).singleElement()
                .isEqualTo(new Action.BecomeBackup(RouterState.FAULT, Reason.FAULT_CLEARED));
    }

    /** The hysteresis as a model: a check's state only flips after rise (fall) agreeing results in a row. */
    @Property
    void flipsOnlyAfterEnoughAgreeingResultsInARow(
            @ForAll @IntRange(min = 1, max = 5) int rise, @ForAll @IntRange(min = 1, max = 5) int fall,
            @ForAll @Size(max = 60) List<Boolean> results) {
        HealthScore score = new HealthScore(100, List.of(new CheckRule("c", rise, fall, 10)));
        boolean passing = false;
        int run = 0;
        boolean last = false;
        for (boolean ok : results) {
            run = ok == last ? run + 1 : 1;
            last = ok;
            boolean flipped = score.record("c", ok);
            boolean shouldFlip = ok != passing && run >= (passing ? fall : rise);
            assertThat(flipped).isEqualTo(shouldFlip);
            if (shouldFlip) {
                passing = ok;
                run = 0;
            }
            assertThat(score.isPassing("c")).isEqualTo(passing);
            assertThat(score.verdict().effectivePriority()).isEqualTo(passing ? 100 : 90);
        }
    }
}
