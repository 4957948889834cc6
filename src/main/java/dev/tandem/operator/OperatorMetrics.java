package dev.tandem.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * tandem's own operator metrics, next to the SDK's reconcile metrics. Labels stay low in cardinality: kind and reason
 * for readiness (a handful of values), namespace and pair for active-member changes (one series per pair).
 *
 * <ul>
 *   <li>{@code tandem_operator_resources{kind, ready, reason}}: resources by their Ready condition;</li>
 *   <li>{@code tandem_operator_active_member_changes_total{namespace, pair}}: changes of a pair's active member that
 *   the operator observed in the members' reports;</li>
 *   <li>{@code tandem_operator_drift_repairs_total{provider}}: cloud FloatingIps the operator moved back to their
 *   pair's active member after finding them elsewhere;</li>
 *   <li>{@code tandem_provider_call_seconds{provider, operation, outcome}}: each HTTP call to a cloud provider's API
 *   (operation as the provider names it, e.g. {@code get_reserved_ip}; outcome {@code success} or the error kind).
 *   The agents record the same timer in their own registries.</li>
 * </ul>
 */
@ApplicationScoped
public class OperatorMetrics {
    /** kind → resource (namespace/name) → "True|Reason" or "False|Reason". */
    private final Map<String, Map<String, String>> readiness = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    @Inject
    MeterRegistry registry;

    public void ready(HasMetadata resource, boolean ready, String reason) {
        String kind = resource.getKind();
        String value = ready + "|" + Objects.requireNonNullElse(reason, "Unknown");
        readiness.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).put(key(resource), value);
        if (registered.add(kind + "|" + value)) {
            Gauge.builder("tandem.operator.resources", () -> count(kind, value))
                    .description("tandem resources by the status and reason of their Ready condition")
                    .tag("kind", kind).tag("ready", Boolean.toString(ready)).tag("reason", value.substring(value.indexOf('|') + 1))
                    .register(registry);
        }
    }

    public void forget(HasMetadata resource) {
        Map<String, String> byResource = readiness.get(resource.getKind());
        if (byResource != null) {
            byResource.remove(key(resource));
        }
    }

    public void activeMemberChanged(HasMetadata pair) {
        Counter.builder("tandem.operator.active.member.changes")
                .description("Changes of a FailoverPair's active member seen in its members' reports")
                .tag("namespace", pair.getMetadata().getNamespace()).tag("pair", pair.getMetadata().getName())
                .register(registry).increment();
    }

    public void driftRepaired(String provider) {
        Counter.builder("tandem.operator.drift.repairs")
                .description("Cloud FloatingIps moved back to their pair's active member after drift")
                .tag("provider", provider)
                .register(registry).increment();
    }

    /** One HTTP call to a provider's API; fits {@link dev.tandem.provider.CallObserver}. */
    public void providerCall(String provider, String operation, String outcome, Duration took) {
        Timer.builder("tandem.provider.call")
                .description("Calls to cloud provider APIs, by provider, operation and outcome")
                .tag("provider", provider).tag("operation", operation).tag("outcome", outcome)
                .register(registry).record(took);
    }

    private long count(String kind, String value) {
        return readiness.getOrDefault(kind, Map.of()).values().stream().filter(value::equals).count();
    }

    private static String key(HasMetadata r) {
        return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
    }
}
