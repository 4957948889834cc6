package dev.tandem.provider;

import java.time.Duration;
import java.util.List;

/**
 * When to look again at a provider's asynchronous action (DigitalOcean, Hetzner). Most actions finish within one to a
 * few seconds, and every moment between the action finishing and tandem seeing it is failover time, so the first
 * looks come quickly (200, 200, 300, 500 ms) and later ones at the provider's steady interval, which keeps a long action
 * well inside the rate limits (a handful of extra requests per failover).
 */
public final class ActionPolls {
    static final List<Duration> FIRST = List.of(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(300),
            Duration.ofMillis(500));

    private ActionPolls() {
    }

    /** The wait before look number {@code n} (0 for the first look after starting the action). */
    public static Duration delay(int n, Duration steady) {
        if (n < FIRST.size() && FIRST.get(n).compareTo(steady) < 0) {
            return FIRST.get(n);
        }
        return steady;
    }
}
