package dev.tandem.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.List;

/**
 * A JSON Patch (RFC 6902) of the status fields one writer owns. Each owned field is added, replaced or removed as a
 * whole, and nothing else is touched, so the operator and the agents can each write their part of one status without
 * reading and rewriting the other's. (A JSON merge patch would do the same for objects, but not every server replaces
 * lists in a merge patch the way RFC 7386 says.)
 *
 * <p>The one exception is the first write, when the writer has seen no status yet: {@code add /status} would replace
 * a status that an agent wrote meanwhile, so that write is a merge patch, which creates the status or merges into it.
 */
public final class StatusPatch {
    private final ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    private final ObjectNode firstStatus;

    private StatusPatch() {
        this.firstStatus = null;
    }

    private StatusPatch(ObjectNode firstStatus) {
        this.firstStatus = firstStatus;
    }

    /**
     * The patch that makes the {@code owned} fields of {@code current} equal to those of {@code desired}, or null when
     * they already are. An owned field that {@code desired} lacks is removed; empty lists and maps count as absent.
     */
    public static StatusPatch between(Object current, Object desired, List<String> owned) {
        JsonNode want = Serialization.jsonMapper().valueToTree(desired);
        if (current == null) {
            ObjectNode status = JsonNodeFactory.instance.objectNode();
            for (String field : owned) {
                JsonNode b = want.get(field);
                if (!absent(b)) {
                    status.set(field, b);
                }
            }
            return status.isEmpty() ? null : new StatusPatch(status);
        }
        StatusPatch patch = new StatusPatch();
        JsonNode now = Serialization.jsonMapper().valueToTree(current);
        for (String field : owned) {
            JsonNode a = now.get(field);
            JsonNode b = want.get(field);
            if (absent(a) && absent(b) || !absent(a) && a.equals(b)) {
                continue;
            }
            if (absent(b)) {
                if (a != null && !a.isNull()) {
                    patch.op("remove", "/status/" + escape(field), null);
                }
            } else {
                patch.op("add", "/status/" + escape(field), b);
            }
        }
        return patch.ops.isEmpty() ? null : patch;
    }

    /** Adds the removal of one entry of a map-valued field, e.g. members/node-b; the entry must exist. */
    public static StatusPatch removeEntry(StatusPatch patch, String field, String key) {
        if (patch != null && patch.firstStatus != null) {
            throw new IllegalStateException("a first status write cannot remove entries");
        }
        StatusPatch p = patch != null ? patch : new StatusPatch();
        p.op("remove", "/status/" + escape(field) + "/" + escape(key), null);
        return p;
    }

    /** How to send {@link #toJson()}: true for a JSON merge patch (a first write), false for a JSON Patch. */
    public boolean isMergePatch() {
        return firstStatus != null;
    }

    /** The patch document. */
    public String toJson() {
        if (firstStatus != null) {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.set("status", firstStatus);
            return root.toString();
        }
        return ops.toString();
    }

    private void op(String op, String path, JsonNode value) {
        ObjectNode o = ops.addObject();
        o.put("op", op);
        o.put("path", path);
        if (value != null) {
            o.set("value", value);
        }
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isNull() || (n.isContainerNode() && n.isEmpty());
    }

    /** RFC 6901 escaping of one path segment. */
    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
