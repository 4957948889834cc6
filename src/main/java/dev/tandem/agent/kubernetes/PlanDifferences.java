package dev.tandem.agent.kubernetes;

import dev.tandem.agent.PairPlan;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which parts of two plans differ, by record component name. A plan is rebuilt from every informer event, status
 * heartbeats of the other members included; only a real difference may restart the election.
 *
 * <p>PairPlan's own {@code equals} is not enough: its health checks are {@link dev.tandem.api.v1alpha1.HealthCheckSpec}
 * objects, which compare by identity, and each informer event deserializes new ones. They are compared by their JSON.
 */
final class PlanDifferences {
    private PlanDifferences() {
    }

    /** The names of the components that differ, in declaration order; empty when the plans are the same. */
    static List<String> between(PairPlan a, PairPlan b) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : PairPlan.class.getRecordComponents()) {
            Object x = value(c, a);
            Object y = value(c, b);
            boolean same = c.getName().equals("healthChecks") || c.getName().equals("cloudAddresses")
                    ? Serialization.asJson(x).equals(Serialization.asJson(y))
                    : Objects.equals(x, y);
            if (!same) {
                out.add(c.getName());
            }
        }
        return out;
    }

    private static Object value(RecordComponent c, PairPlan plan) {
        try {
            return c.getAccessor().invoke(plan);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read PairPlan." + c.getName(), e);
        }
    }
}
