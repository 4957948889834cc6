package dev.tandem.operator;

import dev.tandem.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Objects;

/**
 * What a resource's Ready condition says, told to the metrics on every reconcile and as an Event when it changed:
 * Normal when ready, Warning when not, with the condition's reason and message.
 */
@ApplicationScoped
public class ReadinessReport {
    @Inject
    EventRecorder events;
    @Inject
    OperatorMetrics metrics;

    /**
     * @param messageMatters record an Event when only the message changed too (e.g. which members claim MASTER)
     */
    public void report(HasMetadata resource, List<Condition> before, List<Condition> after, boolean messageMatters) {
        Condition was = Conditions.find(before, Conditions.READY);
        Condition now = Conditions.find(after, Conditions.READY);
        if (now == null) {
            return;
        }
        boolean ready = "True".equals(now.getStatus());
        metrics.ready(resource, ready, now.getReason());
        boolean changed = was == null || !Objects.equals(was.getReason(), now.getReason())
                || (messageMatters && !Objects.equals(was.getMessage(), now.getMessage()));
        if (!changed) {
            return;
        }
        if (ready) {
            events.normal(resource, now.getReason(), now.getMessage());
        } else {
            events.warning(resource, now.getReason(), now.getMessage());
        }
    }
}
