package dev.tandem.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * tandem's own operator metrics, next to the SDK's reconcile metrics. Labels stay low in cardinality: kind and reason
 * for readiness (a handful of values), namespace and pair for active-member changes (one series per pair).
 *
 * <ul>
 *   <li>{@code tandem_operator_resources{kind, ready, reason}}: resources by their Ready condition;</li>
 *   <li>{@code tandem_operator_active_member_changes_total{namespace, pair, reason}}: changes of a pair's active member
 *   that the operator observed in the members' reports, by the winner's reason (MasterDown, Preempted, ...;
 *   NoActiveMember when none is left);</li>
 *   <li>{@code tandem_operator_pair_members{namespace, pair, state}}: a pair's members by the state of their fresh
 *   reports (MASTER, BACKUP, FAULT, INIT; UNKNOWN for silent members and for a MASTER claim another took over);</li>
 *   <li>{@code tandem_operator_pair_active_member{namespace, pair, member}}: 1 for the active member, 0 for the
 *   others;</li>
 *   <li>{@code tandem_operator_hostbond_nodes{hostbond, phase}}: a HostBond's matching nodes by the phase they
 *   report (Pending, Applying, Applied, RolledBack, Failed);</li>
 *   <li>{@code tandem_operator_drift_repairs_total{provider}}: cloud FloatingIps the operator moved back to their
 *   pair's active member after finding them elsewhere;</li>
 *   <li>{@code tandem_provider_call_seconds{provider, operation, outcome}}: each HTTP call to a cloud provider's API
 *   (operation as the provider names it, e.g. {@code get_reserved_ip}; outcome {@code success} or the error kind).
 *   The agents record the same timer in their own registries.</li>
 * </ul>
 */
@ApplicationScoped
public class OperatorMetrics {
    static final List<String> PAIR_STATES = List.of("MASTER", "BACKUP", "FAULT", "INIT", "UNKNOWN");
    static final List<String> BOND_PHASES = List.of("Pending", "Applying", "Applied", "RolledBack", "Failed");

    /** The gauges of one pair or HostBond, removed with it. */
    private static final class PairGauges {
        final Map<String, AtomicLong> byState = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> active = new ConcurrentHashMap<>();
        final List<Meter> meters = new CopyOnWriteArrayList<>();
    }

    private final Map<String, PairGauges> pairs = new ConcurrentHashMap<>();
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
        PairGauges g = pairs.remove(key(resource));
        if (g != null) {
            g.meters.forEach(registry::remove);
        }
    }

    public void activeMemberChanged(HasMetadata pair, String reason) {
        Counter.builder("tandem.operator.active.member.changes")
                .description("Changes of a FailoverPair's active member seen in its members' reports, by reason")
                .tag("namespace", pair.getMetadata().getNamespace()).tag("pair", pair.getMetadata().getName())
                .tag("reason", Objects.requireNonNullElse(reason, "Unknown"))
                .register(registry).increment();
    }

    /** A pair's members by state, and which one is active, as this reconcile saw them. */
    public void pairObserved(HasMetadata pair, Map<String, String> stateByMember, String activeMember) {
        String key = key(pair);
        PairGauges g = pairs.computeIfAbsent(key, k -> new PairGauges());
        Map<String, Long> counts = new HashMap<>();
        stateByMember.values().forEach(state -> counts.merge(state, 1L, Long::sum));
        for (String state : PAIR_STATES) {
            g.byState.computeIfAbsent(state, st -> {
                AtomicLong v = new AtomicLong();
                g.meters.add(Gauge.builder("tandem.operator.pair.members", v, AtomicLong::get)
                        .description("A FailoverPair's members by the state they report (UNKNOWN: silent, or a"
                                + " MASTER claim that another member took over from)")
                        .tag("namespace", pair.getMetadata().getNamespace()).tag("pair", pair.getMetadata().getName())
                        .tag("state", st).register(registry));
                return v;
            }).set(counts.getOrDefault(state, 0L));
        }
        for (String member : stateByMember.keySet()) {
            g.active.computeIfAbsent(member, m -> {
                AtomicLong v = new AtomicLong();
                g.meters.add(Gauge.builder("tandem.operator.pair.active.member", v, AtomicLong::get)
                        .description("1 for the member of a FailoverPair that is active, 0 for the others")
                        .tag("namespace", pair.getMetadata().getNamespace()).tag("pair", pair.getMetadata().getName())
                        .tag("member", m).register(registry));
                return v;
            });
        }
        g.active.forEach((member, v) -> v.set(member.equals(activeMember) ? 1 : 0));
    }

    /** A HostBond's matching nodes by the phase they report. */
    public void hostBondObserved(HasMetadata bond, Map<String, String> phaseByNode) {
        PairGauges g = pairs.computeIfAbsent(key(bond), k -> new PairGauges());
        Map<String, Long> counts = new HashMap<>();
        phaseByNode.values().forEach(p -> counts.merge(p, 1L, Long::sum));
        for (String phase : BOND_PHASES) {
            g.byState.computeIfAbsent(phase, ph -> {
                AtomicLong v = new AtomicLong();
                g.meters.add(Gauge.builder("tandem.operator.hostbond.nodes", v, AtomicLong::get)
                        .description("A HostBond's matching nodes by the phase they report")
                        .tag("hostbond", bond.getMetadata().getName()).tag("phase", ph).register(registry));
                return v;
            }).set(counts.getOrDefault(phase, 0L));
        }
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
        return r.getKind() + "/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
    }
}
