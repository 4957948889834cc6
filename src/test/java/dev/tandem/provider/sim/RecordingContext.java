package dev.tandem.provider.sim;

import dev.tandem.provider.CallObserver;
import dev.tandem.provider.ProviderContext;
import dev.tandem.provider.Retrier;
import dev.tandem.provider.RetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider's context for tests of synchronous providers: the retrier records each wait instead of sleeping, and the
 * observer records each call as {@code operation:outcome}.
 */
public final class RecordingContext {
    /** Three attempts: an outage of two failed calls is ridden out, one of three is not. */
    public static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(5),
            Duration.ofSeconds(2));

    /** Waits the retrier asked for, in order. */
    public final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    /** Every call the observer heard of, as {@code operation:outcome}. */
    public final List<String> outcomes = new CopyOnWriteArrayList<>();
    private volatile Runnable afterSleep = () -> {
    };

    /** Runs {@code action} after the {@code n}th wait (1 for the first), e.g. to end an outage. */
    public void afterSleep(int n, Runnable action) {
        AtomicInteger seen = new AtomicInteger();
        afterSleep = () -> {
            if (seen.incrementAndGet() == n) {
                action.run();
            }
        };
    }

    public ProviderContext context(String address, Clock clock) {
        Retrier retrier = new Retrier(THREE_ATTEMPTS, d -> {
            sleeps.add(d);
            afterSleep.run();
        }, () -> 0.5);
        CallObserver observer = (provider, op, outcome, took) -> outcomes.add(op + ":" + outcome);
        return new ProviderContext(address, retrier, observer, clock);
    }
}
