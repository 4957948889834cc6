package dev.tandem.agent.election;

import dev.tandem.agent.health.HealthProbe;
import dev.tandem.agent.health.HealthProbes;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.validation.Durations;
import dev.tandem.vrrp.CheckRule;
import dev.tandem.vrrp.HealthScore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a pair's health checks on their intervals and hands each change of the verdict to the election loop. Probes
 * run on the scheduler's threads, never on the election thread, so a hanging check cannot delay an advert.
 */
public final class HealthMonitor implements AutoCloseable {
    private final List<HealthCheckSpec> checks;
    private final HealthScore score;
    private final ScheduledExecutorService scheduler;
    private final ElectionLoop loop;
    private final ElectionListener listener;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    public HealthMonitor(List<HealthCheckSpec> checks, int basePriority, ScheduledExecutorService scheduler,
                         ElectionLoop loop, ElectionListener listener) {
        this.checks = List.copyOf(checks);
        this.scheduler = scheduler;
        this.loop = loop;
        this.listener = listener;
        this.score = new HealthScore(basePriority, checks.stream()
                .map(c -> new CheckRule(c.name, c.rise == null ? 2 : c.rise, c.fall == null ? 2 : c.fall,
                        c.weight == null ? 0 : c.weight))
                .toList());
    }

    /** Hands the starting verdict to the loop (checks start failing until they rise) and schedules every check. */
    public HealthMonitor start() {
        if (checks.isEmpty()) {
            return this;
        }
        loop.health(score.verdict());
        for (HealthCheckSpec check : checks) {
            HealthProbe probe = HealthProbes.of(check);
            Duration interval = Durations.orDefault(check.interval, "2s");
            Duration timeout = check.timeout != null ? Durations.orDefault(check.timeout, null)
                    : interval.compareTo(Duration.ofSeconds(1)) < 0 ? interval : Duration.ofSeconds(1);
            tasks.add(scheduler.scheduleWithFixedDelay(() -> runOnce(check.name, probe, timeout), 0,
                    interval.toNanos(), TimeUnit.NANOSECONDS));
        }
        return this;
    }

    private void runOnce(String name, HealthProbe probe, Duration timeout) {
        long start = System.nanoTime();
        HealthProbe.Result result = probe.run(timeout);
        listener.healthProbed(name, result.healthy(), java.time.Duration.ofNanos(System.nanoTime() - start));
        dev.tandem.vrrp.HealthVerdict verdict;
        boolean flipped;
        synchronized (score) {
            flipped = score.record(name, result.healthy());
            verdict = score.verdict();
        }
        if (flipped) {
            listener.healthChanged(name, result.healthy(), result.detail());
            loop.health(verdict);
        }
    }

    @Override
    public void close() {
        tasks.forEach(t -> t.cancel(true));
    }
}
