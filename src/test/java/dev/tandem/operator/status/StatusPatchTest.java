package dev.tandem.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.TransitionRecord;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's status patches, applied with an RFC 6902 implementation to a stored object. */
class StatusPatchTest {
    private static final List<String> OWNED = List.of("activeMember", "membersReady", "virtualRouterId", "history",
            "conditions", "observedGeneration");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FailoverPairStatus status() {
        FailoverPairStatus s = new FailoverPairStatus();
        s.activeMember = "lb-1";
        s.membersReady = "2/2";
        s.virtualRouterId = 7;
        s.observedGeneration = 3L;
        s.history.add(new TransitionRecord("2026-05-01T12:00:00Z", null, "lb-1", "Elected"));
        s.conditions.add(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Active").build());
        s.members.put("lb-1", new MemberStatus(MemberStatus.State.MASTER, 200));
        return s;
    }

    /** The stored object after the patch: what a reader sees next. */
    private static JsonNode applied(FailoverPairStatus stored, StatusPatch patch) throws Exception {
        ObjectNode object = JSON.createObjectNode();
        object.putObject("spec");
        if (stored != null) {
            object.set("status", Serialization.jsonMapper().valueToTree(stored));
        }
        return JsonPatch.apply(JSON.readTree(patch.toJson()), object).get("status");
    }

    @Test
    void equalOwnedFieldsNeedNoPatch() {
        assertThat(StatusPatch.between(status(), status(), OWNED)).isNull();
    }

    @Test
    void changedOwnedFieldsAreReplacedAndNothingElseIsTouched() throws Exception {
        FailoverPairStatus desired = status();
        desired.activeMember = "lb-2";
        desired.observedGeneration = 4L;
        desired.members.clear(); // not owned: must not be written

        StatusPatch patch = StatusPatch.between(status(), desired, OWNED);
        JsonNode ops = JSON.readTree(patch.toJson());
        assertThat(ops).hasSize(2);
        assertThat(ops.findValuesAsText("path")).containsExactlyInAnyOrder("/status/activeMember", "/status/observedGeneration");

        JsonNode after = applied(status(), patch);
        assertThat(after.get("activeMember").asText()).isEqualTo("lb-2");
        assertThat(after.get("observedGeneration").asLong()).isEqualTo(4L);
        assertThat(after.get("members").get("lb-1").get("state").asText()).as("an agent's entry survives").isEqualTo("MASTER");
    }

    @Test
    void aFieldThatBecameNullIsRemoved() throws Exception {
        FailoverPairStatus desired = status();
        desired.activeMember = null;
        JsonNode after = applied(status(), StatusPatch.between(status(), desired, OWNED));
        assertThat(after.has("activeMember")).isFalse();
        assertThat(after.get("membersReady").asText()).isEqualTo("2/2");
    }

    @Test
    void listsAreReplacedWholeNotAppended() throws Exception {
        FailoverPairStatus desired = status();
        desired.conditions = List.of(new ConditionBuilder().withType("Ready").withStatus("False").withReason("SplitBrain").build());
        JsonNode after = applied(status(), StatusPatch.between(status(), desired, OWNED));
        assertThat(after.get("conditions")).hasSize(1);
        assertThat(after.get("conditions").get(0).get("reason").asText()).isEqualTo("SplitBrain");
    }

    @Test
    void emptyListsAndMissingFieldsCountAsEqual() {
        FailoverPairStatus withEmpty = status();
        withEmpty.history.clear();
        FailoverPairStatus withNull = status();
        withNull.history = null;
        assertThat(StatusPatch.between(withEmpty, withNull, OWNED)).isNull();
        assertThat(StatusPatch.between(withNull, withEmpty, OWNED)).isNull();
    }

    @Test
    void aFirstStatusIsAMergePatchSoThatWhatAgentsWroteMeanwhileSurvives() throws Exception {
        StatusPatch patch = StatusPatch.between(null, status(), OWNED);
        assertThat(patch.isMergePatch()).isTrue();
        JsonNode status = JSON.readTree(patch.toJson()).get("status");
        assertThat(status.get("virtualRouterId").asInt()).isEqualTo(7);
        assertThat(status.has("members")).as("members is not owned, so a merge leaves the agents' entries alone").isFalse();
        assertThat(StatusPatch.between(null, new FailoverPairStatus(), OWNED)).isNull();
        assertThat(StatusPatch.between(status(), status(), OWNED)).isNull();
        FailoverPairStatus changed = status();
        changed.activeMember = "lb-2";
        assertThat(StatusPatch.between(status(), changed, OWNED).isMergePatch()).isFalse();
    }

    @Test
    void removesAnEntryOfAMapField() throws Exception {
        FailoverPairStatus stored = status();
        stored.members.put("lb-old", new MemberStatus(MemberStatus.State.BACKUP, 100));
        JsonNode after = applied(stored, StatusPatch.removeEntry(null, "members", "lb-old"));
        assertThat(after.get("members").has("lb-old")).isFalse();
        assertThat(after.get("members").has("lb-1")).isTrue();
    }

    @Test
    void escapesPathSegments() {
        assertThat(StatusPatch.escape("a/b~c")).isEqualTo("a~1b~0c");
    }
}
