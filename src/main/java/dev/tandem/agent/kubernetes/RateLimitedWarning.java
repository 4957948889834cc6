package dev.tandem.agent.kubernetes;

import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * A warning about something that keeps failing (the API server is down, a watch breaks): logged at once, then at most
 * once per interval with the number of failures in between, and one line when it works again.
 */
public final class RateLimitedWarning {
    private static final Logger LOG = Logger.getLogger("dev.tandem.agent");
    private final long intervalNanos;
    private long lastLogNanos;
    private long failures;
    private long suppressed;

    public RateLimitedWarning(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    public synchronized void failed(String message) {
        failures++;
        long now = System.nanoTime();
        if (failures == 1 || now - lastLogNanos >= intervalNanos) {
            LOG.warn(suppressed == 0 ? message : message + " (" + suppressed + " similar failure(s) not logged)");
            lastLogNanos = now;
            suppressed = 0;
        } else {
            suppressed++;
        }
    }

    /** Logs {@code message} when there were failures since the last success. */
    public synchronized void succeeded(String message) {
        if (failures > 0) {
            LOG.infof("%s after %d failed attempt(s)", message, failures);
        }
        failures = 0;
        suppressed = 0;
    }

    public synchronized long failures() {
        return failures;
    }
}
