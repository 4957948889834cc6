package dev.tandem.agent.cloud;

import dev.tandem.agent.PairPlan;

import java.time.Duration;
import java.util.List;

/** Tells several {@link CloudMover.Progress} listeners, in order. */
public record Progresses(List<CloudMover.Progress> all) implements CloudMover.Progress {
    public Progresses {
        all = List.copyOf(all);
    }

    @Override
    public void confirmed(PairPlan.CloudAddress address, Duration took) {
        all.forEach(p -> p.confirmed(address, took));
    }

    @Override
    public void failed(PairPlan.CloudAddress address, String message) {
        all.forEach(p -> p.failed(address, message));
    }

    @Override
    public void cleared(String floatingIp) {
        all.forEach(p -> p.cleared(floatingIp));
    }
}
