package dev.tandem.provider;

import java.time.Duration;

/** Told about every HTTP call a provider makes; the metrics listener turns it into a timer. */
@FunctionalInterface
public interface CallObserver {
    /**
     * @param outcome {@code success}, or the {@link ProviderException.Kind} in lower case
     */
    void called(String provider, String operation, String outcome, Duration took);

    CallObserver NONE = (provider, operation, outcome, took) -> {
    };
}
