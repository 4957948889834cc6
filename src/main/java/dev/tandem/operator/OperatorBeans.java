package dev.tandem.operator;

import dev.tandem.operator.children.AgentSettings;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Beans the reconcilers are built from. A Clock is injected so that tests can fix time. */
@ApplicationScoped
public class OperatorBeans {
    public static final String LEASE_NAME = "tandem-operator-leader";

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    AgentSettings agentSettings(OperatorConfig config) {
        return new AgentSettings(config.agentImage(), config.imagePullPolicy(), config.agentMetricsPortBase(),
                config.agentPriorityClass(), config.bondServiceAccount());
    }

    /**
     * The SDK's reconcile metrics per controller, not per resource: per-resource series (histogram buckets times every
     * pair and FloatingIp) would grow without bound.
     */
    @Produces
    @Singleton
    Metrics reconcileMetrics(MeterRegistry registry) {
        return MicrometerMetrics.withoutPerResourceMetrics(registry);
    }

    /**
     * Only one replica reconciles at a time; the others wait on this Lease in the operator's namespace. Activated in
     * the prod profile (quarkus.operator-sdk.activate-leader-election-for-profiles).
     */
    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection() {
        return new LeaderElectionConfiguration(LEASE_NAME);
    }
}
