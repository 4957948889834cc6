package dev.tandem.provider;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Runs a provider call under a {@link RetryPolicy}: retryable failures wait a bounded, exponentially growing and
 * jittered backoff (half fixed, half random, so members and operators that failed together do not retry together),
 * or longer when the provider said how long (Retry-After, a rate-limit reset), up to {@link #MAX_SERVER_WAIT}.
 * Permanent failures and a lost mastership end at once.
 */
public final class Retrier {
    /** The longest wait a server's Retry-After or reset header can impose; a bogus header must not stall a move. */
    public static final Duration MAX_SERVER_WAIT = Duration.ofMinutes(2);

    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws ProviderException;
    }

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    public Retrier(RetryPolicy policy) {
        this(policy, d -> Thread.sleep(d), () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param random a source of numbers in [0, 1) for the jitter
     */
    public Retrier(RetryPolicy policy, Sleeper sleeper, DoubleSupplier random) {
        this.policy = policy;
        this.sleeper = sleeper;
        this.random = random;
    }

    public RetryPolicy policy() {
        return policy;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails permanently or uses up the attempts.
     *
     * @throws ProviderException the last failure; when attempts ran out, its message says how many were made
     * @throws InterruptedException when the thread was interrupted while waiting (the agent is stopping)
     */
    public <T> T call(Attempt<T> attempt) throws ProviderException, InterruptedException {
        for (int n = 1; ; n++) {
            try {
                return attempt.run();
            } catch (ProviderException e) {
                if (!e.kind().retryable()) {
                    throw e;
                }
                if (n >= policy.attempts()) {
                    throw new ProviderException(e.kind(), e.provider(), e.operation(), e.httpStatus(), e.code(),
                            e.retryAfter().orElse(null), "gave up after " + n + " attempt" + (n == 1 ? "" : "s")
                            + ": " + stripPrefix(e), e);
                }
                sleeper.sleep(delayBefore(n + 1, e));
            }
        }
    }

    /** The wait before attempt {@code next} (2 for the first retry) after failure {@code e}. */
    Duration delayBefore(int next, ProviderException e) {
        long initial = policy.initialBackoff().toNanos();
        long max = policy.maxBackoff().toNanos();
        int doublings = Math.min(next - 2, 40);
        long base = initial > (max >> doublings) ? max : Math.min(max, initial << doublings);
        long jittered = base / 2 + (long) (random.getAsDouble() * (base - base / 2));
        Duration wait = Duration.ofNanos(jittered);
        Duration asked = e.retryAfter().orElse(Duration.ZERO);
        if (asked.compareTo(wait) > 0) {
            wait = asked.compareTo(MAX_SERVER_WAIT) > 0 ? MAX_SERVER_WAIT : asked;
        }
        return wait;
    }

    private static String stripPrefix(ProviderException e) {
        String prefix = e.provider() + " " + e.operation() + ": ";
        String m = e.getMessage();
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
