package dev.tandem.agent.hostbond;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The probes after a change: each check must pass once before the rollback timeout, or the change is undone. A check
 * that passed is not asked again; the others are retried every {@link #PAUSE} with what time is left.
 */
final class Verification {
    static final Duration PAUSE = Duration.ofMillis(100);
    /** The longest a single attempt may take, so that one slow check does not use up the whole timeout. */
    static final Duration ATTEMPT = Duration.ofSeconds(2);

    /** One thing that must work after a change. */
    interface Check {
        /** Tries once, within {@code budget}; null when it passed, else why not. */
        String attempt(Duration budget) throws InterruptedException;
    }

    private Verification() {
    }

    /** @return empty when every check passed in time, else why not, naming each check that never passed */
    static Optional<String> await(Map<String, Check> checks, Duration timeout, Ticker ticker)
            throws InterruptedException {
        long deadline = ticker.nanos() + timeout.toNanos();
        Map<String, String> failing = new LinkedHashMap<>();
        checks.keySet().forEach(k -> failing.put(k, "not tried"));
        while (true) {
            for (String name : new ArrayList<>(failing.keySet())) {
                long left = deadline - ticker.nanos();
                Duration budget = Duration.ofNanos(Math.max(0, Math.min(left, ATTEMPT.toNanos())));
                String why = checks.get(name).attempt(budget);
                if (why == null) {
                    failing.remove(name);
                } else {
                    failing.put(name, why);
                }
            }
            if (failing.isEmpty()) {
                return Optional.empty();
            }
            if (ticker.nanos() - deadline >= 0) {
                List<String> reasons = new ArrayList<>();
                failing.forEach((name, why) -> reasons.add(name + ": " + why));
                return Optional.of(String.join("; ", reasons) + " (within the rollback timeout of "
                        + dev.tandem.validation.Durations.format(timeout) + ")");
            }
            ticker.sleep(PAUSE);
        }
    }
}
