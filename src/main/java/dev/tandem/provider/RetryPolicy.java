package dev.tandem.provider;

import dev.tandem.api.v1alpha1.RetrySpec;
import dev.tandem.validation.Durations;

import java.time.Duration;

/**
 * How a provider call is retried: {@code attempts} in all, the first retry after {@code initialBackoff}, doubling with
 * jitter up to {@code maxBackoff}, each call bounded by {@code timeout}.
 */
public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff, Duration timeout) {
    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max, got " + initialBackoff
                    + " and " + maxBackoff);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    public static RetryPolicy defaults() {
        return from(null);
    }

    /** The policy a FloatingIp's {@code retry} asks for, with the documented defaults for what it leaves out. */
    public static RetryPolicy from(RetrySpec spec) {
        RetrySpec s = spec == null ? new RetrySpec() : spec;
        Duration initial = Durations.orDefault(s.initialBackoff, RetrySpec.DEFAULT_INITIAL_BACKOFF);
        Duration max = s.maxBackoff != null ? Durations.orDefault(s.maxBackoff, RetrySpec.DEFAULT_MAX_BACKOFF)
                : max(initial, Durations.orDefault(null, RetrySpec.DEFAULT_MAX_BACKOFF));
        return new RetryPolicy(s.attempts != null ? s.attempts : RetrySpec.DEFAULT_ATTEMPTS, initial, max,
                Durations.orDefault(s.timeout, RetrySpec.DEFAULT_TIMEOUT));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
