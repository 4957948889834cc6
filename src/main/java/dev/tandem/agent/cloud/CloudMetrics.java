package dev.tandem.agent.cloud;

import dev.tandem.agent.PairPlan;
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
        Timer.builder("tandem_provider_call_seconds")
                .description("Calls to a cloud provider's API, by provider, operation and outcome")
                .tags("provider", provider, "operation", operation, "outcome", outcome)
                .register(registry).record(took);
    }

    @Override
    public void confirmed(PairPlan.CloudAddress address, Duration took) {
        Counter.builder("tandem_floating_ip_moves_total")
                .description("Cloud floating IPs this member moved to itself and the provider confirmed")
                .tags("pair", pair, "provider", address.provider()).register(registry).increment();
        Timer.builder("tandem_floating_ip_move_seconds")
                .description("Time from becoming MASTER to the provider confirming the floating IP's move")
                .tags("pair", pair, "provider", address.provider()).register(registry).record(took);
    }

    @Override
    public void failed(PairPlan.CloudAddress address, String message) {
        Counter.builder("tandem_floating_ip_move_failures_total")
                .description("Attempts to move a cloud floating IP that failed (each is tried again while MASTER)")
                .tags("pair", pair, "provider", address.provider()).register(registry).increment();
    }

    @Override
    public void cleared(String floatingIp) {
    }
}
