package dev.tandem.provider;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A provider call that did not succeed, classified so that the {@link Retrier} knows what to do with it. The message
 * names the provider, the operation and what the provider said (its error code and text), never a credential.
 */
public class ProviderException extends Exception {
    public enum Kind {
        /** 401, 403, 404, an invalid id or missing credentials: retrying cannot help; the message says what to fix. */
        PERMANENT(false),
        /** 5xx, a timeout, a refused connection, an unreadable answer: retried with backoff. */
        TRANSIENT(true),
        /** 429 or the provider's throttling code: retried after Retry-After or the rate-limit reset. */
        RATE_LIMITED(true),
        /** The resource is locked by a pending action (DigitalOcean 422, Hetzner 423): retried. */
        BUSY(true),
        /** The caller lost mastership before a mutating call; stop and leave the move to the new master. */
        STEPPED_DOWN(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }

        /** The metric label of this outcome. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final String provider;
    private final String operation;
    private final int httpStatus;
    private final String code;
    private final Duration retryAfter;

    public ProviderException(Kind kind, String provider, String operation, String message) {
        this(kind, provider, operation, 0, "", null, message, null);
    }

    public ProviderException(Kind kind, String provider, String operation, int httpStatus, String code,
            Duration retryAfter, String message, Throwable cause) {
        super(provider + " " + operation + ": " + message, cause);
        this.kind = kind;
        this.provider = provider;
        this.operation = operation;
        this.httpStatus = httpStatus;
        this.code = code == null ? "" : code;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    public String provider() {
        return provider;
    }

    public String operation() {
        return operation;
    }

    /** The HTTP status, 0 when the call got no answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The provider's error code ({@code locked}, {@code not_found}, {@code RequestLimitExceeded}), or empty. */
    public String code() {
        return code;
    }

    /** How long the provider asked us to wait (Retry-After, or until the rate-limit reset). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
