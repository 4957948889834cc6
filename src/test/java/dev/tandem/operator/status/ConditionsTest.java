package dev.tandem.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConditionsTest {
    private static final Instant EARLIER = Instant.parse("2026-05-01T10:00:00Z");
    private static final Instant NOW = Instant.parse("2026-05-01T12:34:56.789Z");

    private static Condition existing(String type, String status, String reason, String since) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage("old")
                .withLastTransitionTime(since).withObservedGeneration(1L).build();
    }

    @Test
    void aNewConditionTransitionsNowToTheSecond() {
        List<Condition> out = Conditions.merge(null,
                List.of(Conditions.of(Conditions.READY, true, "Active", "lb-1 is MASTER")), NOW, 4L);

        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("Active");
            assertThat(c.getMessage()).isEqualTo("lb-1 is MASTER");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-05-01T12:34:56Z");
            assertThat(c.getObservedGeneration()).isEqualTo(4L);
        });
    }

    @Test
    void transitionTimeIsKeptWhileTheStatusStaysEvenIfReasonAndMessageChange() {
        List<Condition> before = List.of(existing("Ready", "False", "NoActiveMember", EARLIER.toString()));

        List<Condition> out = Conditions.merge(before,
                List.of(Conditions.of(Conditions.READY, false, "SplitBrain", "members a, b all claim MASTER")), NOW, 7L);

        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.getLastTransitionTime()).isEqualTo(EARLIER.toString());
            assertThat(c.getReason()).isEqualTo("SplitBrain");
            assertThat(c.getMessage()).isEqualTo("members a, b all claim MASTER");
            assertThat(c.getObservedGeneration()).isEqualTo(7L);
        });
    }

    @Test
    void transitionTimeMovesWhenTheStatusFlips() {
        List<Condition> before = List.of(existing("Ready", "False", "NoActiveMember", EARLIER.toString()));

        List<Condition> out = Conditions.merge(before,
                List.of(Conditions.of(Conditions.READY, true, "Active", "lb-1 is MASTER")), NOW, 7L);

        assertThat(out.getFirst().getStatus()).isEqualTo("True");
        assertThat(out.getFirst().getLastTransitionTime()).isEqualTo("2026-05-01T12:34:56Z");
    }

    @Test
    void anExistingConditionWithoutTimeGetsOne() {
        List<Condition> before = List.of(existing("Ready", "True", "Active", null));

        List<Condition> out = Conditions.merge(before,
                List.of(Conditions.of(Conditions.READY, true, "Active", "lb-1 is MASTER")), NOW, 1L);

        assertThat(out.getFirst().getLastTransitionTime()).isEqualTo("2026-05-01T12:34:56Z");
    }

    @Test
    void outputFollowsTheDesiredOrderAndDropsUndesiredTypes() {
        List<Condition> before = List.of(
                existing("Degraded", "True", "MemberUnhealthy", EARLIER.toString()),
                existing("Obsolete", "True", "Gone", EARLIER.toString()),
                existing("Ready", "True", "Active", EARLIER.toString()));

        List<Condition> out = Conditions.merge(before, List.of(
                Conditions.of(Conditions.READY, true, "Active", "lb-1 is MASTER"),
                Conditions.of(Conditions.DEGRADED, false, "AllMembersHealthy", "fine")), NOW, 2L);

        assertThat(out).extracting(Condition::getType).containsExactly("Ready", "Degraded");
        assertThat(out.get(0).getLastTransitionTime()).isEqualTo(EARLIER.toString());
        assertThat(out.get(1).getLastTransitionTime()).isEqualTo("2026-05-01T12:34:56Z");
        assertThat(out).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(2L));
    }

    @Test
    void findAndIsTrueLookUpByType() {
        List<Condition> conditions = List.of(existing("Ready", "True", "Active", EARLIER.toString()),
                existing("Degraded", "False", "AllMembersHealthy", EARLIER.toString()));

        assertThat(Conditions.find(conditions, "Degraded").getReason()).isEqualTo("AllMembersHealthy");
        assertThat(Conditions.find(conditions, "Missing")).isNull();
        assertThat(Conditions.find(null, "Ready")).isNull();
        assertThat(Conditions.isTrue(conditions, "Ready")).isTrue();
        assertThat(Conditions.isTrue(conditions, "Degraded")).isFalse();
        assertThat(Conditions.isTrue(conditions, "Missing")).isFalse();
    }
}
