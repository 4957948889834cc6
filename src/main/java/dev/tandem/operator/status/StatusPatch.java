package dev.tandem.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.List;

/**
 * A JSON merge patch of the fields of a status that one writer owns. Fields it does not name are left alone, so the
 * operator and the agents can each write their part of one status without reading and rewriting the other's.
 */
public final class StatusPatch {
    private final ObjectNode body;

    private StatusPatch(ObjectNode body) {
        this.body = body;
    }

    /**
     * The patch that makes the {@code owned} fields of {@code current} equal to those of {@code desired}, or null when
     * they already are. An owned field missing from {@code desired} is removed.
     */
    public static StatusPatch between(Object current, Object desired, List<String> owned) {
        JsonNode now = current == null ? JsonNodeFactory.instance.objectNode() : Serialization.jsonMapper().valueToTree(current);
        JsonNode want = Serialization.jsonMapper().valueToTree(desired);
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        boolean changed = false;
        for (String field : owned) {
            JsonNode a = normalise(now.get(field));
            JsonNode b = normalise(want.get(field));
            if (!a.equals(b)) {
                status.set(field, b);
                changed = true;
            }
        }
        return changed ? new StatusPatch(status) : null;
    }

    /** Adds a change to one entry of a map-valued status field, e.g. members.node-a.address; null removes it. */
    public static StatusPatch withEntry(StatusPatch patch, String field, String key, JsonNode value) {
        StatusPatch p = patch != null ? patch : new StatusPatch(JsonNodeFactory.instance.objectNode());
        JsonNode existing = p.body.get(field);
        ObjectNode map = existing instanceof ObjectNode o ? o : p.body.putObject(field);
        map.set(key, value == null ? NullNode.getInstance() : value);
        return p;
    }

    /** The merge patch document for the status subresource. */
    public String toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("status", body);
        return root.toString();
    }

    ObjectNode body() {
        return body;
    }

    private static JsonNode normalise(JsonNode n) {
        if (n == null || n.isNull() || (n.isContainerNode() && n.isEmpty())) {
            return NullNode.getInstance();
        }
        return n;
    }
}
