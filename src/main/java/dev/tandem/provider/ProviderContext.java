package dev.tandem.provider;

import java.time.Clock;
import java.util.Objects;

/**
 * What every provider is built with besides its own spec and credentials.
 *
 * @param address  the floating address, as in the FloatingIp
 * @param retrier  the FloatingIp's retry policy, with the sleeper (tests pass one that does not sleep)
 * @param observer told about each HTTP call, for the metrics
 * @param clock    for rate-limit resets and action deadlines
 */
public record ProviderContext(String address, Retrier retrier, CallObserver observer, Clock clock) {
    public ProviderContext {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(retrier, "retrier");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(clock, "clock");
    }

    public static ProviderContext of(String address, RetryPolicy policy, CallObserver observer) {
        return new ProviderContext(address, new Retrier(policy), observer, Clock.systemUTC());
    }

    public RetryPolicy policy() {
        return retrier.policy();
    }
}
