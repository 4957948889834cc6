package dev.tandem.agent.cloud;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.election.MetricsListener;
import dev.tandem.provider.CallObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The agent's cloud metrics: {@code tandem_provider_call_seconds{provider,operation,outcome}} for every provider
 * call, {@code tandem_floating_ip_moves_total{pair,provider}} and {@code tandem_floating_ip_move_seconds{pair,provider}}
 * (from becoming MASTER to the provider confirming), {@code tandem_floating_ip_move_failures_total{pair,provider}}.
 */
public final class CloudMetrics implements CloudMover.Progress, CallObserver {
    private final MeterRegistry registry;
    private final String pair;

    public CloudMetrics(MeterRegistry registry, String pair) {
        this.registry = registry;
        this.pair = pair;
    }

    @Override
    public void called(String provider, String operation, String outcome, Duration took) {
        Timer.builder("tandem.provider.call")
                .description("Calls to a cloud provider's API, by provider, operation and outcome")
                .tags("provider", provider, "operation", operation, "outcome", outcome)
                .register(registry).record(took);
    }

    @Override
    public void confirmed(PairPlan.CloudAddress address, Duration took) {
        Counter.builder("tandem.floating.ip.moves")
                .description("floating IPs this member took over: layer2 installed and announced, cloud confirmed by"
                        + " the provider")
                .tags("pair", pair, "provider", address.provider()).register(registry).increment();
        Timer.builder("tandem.floating.ip.move")
                .description("time from becoming MASTER until a floating IP is in place: layer2 installed and its"
                        + " first announcement sent, cloud confirmed by the provider")
                .serviceLevelObjectives(MetricsListener.FAILOVER_BUCKETS)
                .tags("pair", pair, "provider", address.provider()).register(registry).record(took);
    }

    @Override
    public void failed(PairPlan.CloudAddress address, String message) {
        Counter.builder("tandem.floating.ip.move.failures")
                .description("Attempts to move a cloud floating IP that failed (each is tried again while MASTER)")
                .tags("pair", pair, "provider", address.provider()).register(registry).increment();
    }

    @Override
    public void cleared(String floatingIp) {
    }
}
