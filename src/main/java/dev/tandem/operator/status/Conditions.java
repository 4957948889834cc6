package dev.tandem.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds standard Kubernetes conditions. A condition keeps its {@code lastTransitionTime} while its status stays the
 * same, so the time says when the status last flipped, not when the operator last looked.
 */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String DEGRADED = "Degraded";

    private Conditions() {
    }

    /** A condition that has not been merged yet: type, status, reason and message. */
    public record Desired(String type, boolean status, String reason, String message) {
    }

    public static Desired of(String type, boolean status, String reason, String message) {
        return new Desired(type, status, reason, message);
    }

    /** The desired conditions, in their order, with transition times carried over from {@code existing}. */
    public static List<Condition> merge(List<Condition> existing, List<Desired> desired, Instant now, Long generation) {
        List<Condition> out = new ArrayList<>();
        for (Desired d : desired) {
            String status = d.status() ? "True" : "False";
            Condition previous = find(existing, d.type());
            String since = previous != null && status.equals(previous.getStatus()) && previous.getLastTransitionTime() != null
                    ? previous.getLastTransitionTime()
                    : now.truncatedTo(ChronoUnit.SECONDS).toString();
            out.add(new ConditionBuilder()
                    .withType(d.type())
                    .withStatus(status)
                    .withReason(d.reason())
                    .withMessage(d.message())
                    .withLastTransitionTime(since)
                    .withObservedGeneration(generation)
                    .build());
        }
        return out;
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        Condition c = find(conditions, type);
        return c != null && "True".equals(c.getStatus());
    }
}
