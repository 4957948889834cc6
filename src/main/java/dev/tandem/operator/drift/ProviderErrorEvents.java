package dev.tandem.operator.drift;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when a provider error deserves a {@code ProviderError} Event: once per distinct message and FloatingIp every
 * {@link #QUIET} minutes, so that a provider outage seen at every check does not flood {@code kubectl describe}, while
 * a new error (another message) shows up at once. The condition carries the current error all the time.
 */
final class ProviderErrorEvents {
    static final Duration QUIET = Duration.ofMinutes(10);

    private final Map<String, Instant> lastRecorded = new ConcurrentHashMap<>();

    /** True when an Event for {@code message} about {@code uid} is due at {@code now}, and remembers it. */
    boolean shouldRecord(String uid, String message, Instant now) {
        lastRecorded.values().removeIf(t -> !t.plus(QUIET).isAfter(now));
        return lastRecorded.putIfAbsent(uid + "\n" + message, now) == null;
    }

    void forget(String uid) {
        lastRecorded.keySet().removeIf(k -> k.startsWith(uid + "\n"));
    }
}
