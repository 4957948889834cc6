package dev.tandem.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.TransitionRecord;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static JsonNode statusOf(StatusPatch patch) throws Exception {
        JsonNode root = JSON.readTree(patch.toJson());
        assertThat(root.fieldNames()).toIterable().containsExactly("status");
        return root.get("status");
    }

    @Test
    void equalOwnedFieldsNeedNoPatch() {
        assertThat(StatusPatch.between(status(), status(), OWNED)).isNull();
    }

    @Test
    void onlyChangedOwnedFieldsAreSent() throws Exception {
        FailoverPairStatus desired = status();
        desired.activeMember = "lb-2";
        desired.observedGeneration = 4L;

        JsonNode status = statusOf(StatusPatch.between(status(), desired, OWNED));

        assertThat(status.fieldNames()).toIterable().containsExactlyInAnyOrder("activeMember", "observedGeneration");
        assertThat(status.get("activeMember").asText()).isEqualTo("lb-2");
        assertThat(status.get("observedGeneration").asLong()).isEqualTo(4L);
    }

    @Test
    void aFieldThatBecameNullIsSentAsJsonNull() throws Exception {
        FailoverPairStatus desired = status();
        desired.activeMember = null;

        JsonNode status = statusOf(StatusPatch.between(status(), desired, OWNED));

        assertThat(status.has("activeMember")).isTrue();
        assertThat(status.get("activeMember").isNull()).isTrue();
    }

    @Test
    void fieldsNotOwnedNeverAppear() throws Exception {
        FailoverPairStatus desired = status();
        desired.members.clear();
        desired.members.put("lb-9", new MemberStatus(MemberStatus.State.FAULT, 0));
        desired.authSecretName = "lb-auth";

        assertThat(StatusPatch.between(status(), desired, OWNED)).isNull();

        desired.membersReady = "1/2";
        JsonNode status = statusOf(StatusPatch.between(status(), desired, OWNED));
        assertThat(status.fieldNames()).toIterable().containsExactly("membersReady");
    }

    @Test
    void aChangedListIsSentWhole() throws Exception {
        FailoverPairStatus desired = status();
        desired.history.add(new TransitionRecord("2026-05-01T12:05:00Z", "lb-1", "lb-2", "MasterDown"));

        JsonNode status = statusOf(StatusPatch.between(status(), desired, OWNED));

        assertThat(status.get("history")).hasSize(2);
        assertThat(status.get("history").get(1).get("to").asText()).isEqualTo("lb-2");
    }

    @Test
    void anEmptyListAndAMissingFieldCountAsEqual() {
        FailoverPairStatus withEmpty = status();
        withEmpty.history = new ArrayList<>();
        FailoverPairStatus withNull = status();
        withNull.history = null;

        assertThat(StatusPatch.between(withEmpty, withNull, OWNED)).isNull();
        assertThat(StatusPatch.between(withNull, withEmpty, OWNED)).isNull();
    }

    @Test
    void fromNoStatusOnlySetFieldsAreSent() throws Exception {
        FailoverPairStatus desired = new FailoverPairStatus();
        desired.observedGeneration = 1L;

        JsonNode status = statusOf(StatusPatch.between(null, desired, OWNED));

        assertThat(status.fieldNames()).toIterable().containsExactly("observedGeneration");
        assertThat(StatusPatch.between(null, new FailoverPairStatus(), OWNED)).isNull();
    }

    @Test
    void withEntryBuildsMemberEntriesAndRemovals() throws Exception {
        StatusPatch patch = StatusPatch.withEntry(null, "members", "lb-1",
                JSON.createObjectNode().put("address", "192.0.2.11"));
        patch = StatusPatch.withEntry(patch, "members", "lb-2", JSON.createObjectNode().put("address", "192.0.2.12"));
        patch = StatusPatch.withEntry(patch, "members", "lb-old", null);

        JsonNode status = statusOf(patch);

        assertThat(status.fieldNames()).toIterable().containsExactly("members");
        JsonNode members = status.get("members");
        assertThat(members.fieldNames()).toIterable().containsExactly("lb-1", "lb-2", "lb-old");
        assertThat(members.get("lb-1").get("address").asText()).isEqualTo("192.0.2.11");
        assertThat(members.get("lb-2").get("address").asText()).isEqualTo("192.0.2.12");
        assertThat(members.get("lb-old").isNull()).isTrue();
    }

    @Test
    void withEntryAddsToAPatchOfOwnedFields() throws Exception {
        FailoverPairStatus desired = status();
        desired.activeMember = "lb-2";
        StatusPatch patch = StatusPatch.between(status(), desired, OWNED);

        patch = StatusPatch.withEntry(patch, "members", "lb-2", JSON.createObjectNode().put("address", "192.0.2.12"));

        JsonNode status = statusOf(patch);
        assertThat(status.get("activeMember").asText()).isEqualTo("lb-2");
        assertThat(status.get("members").get("lb-2").get("address").asText()).isEqualTo("192.0.2.12");
    }
}
