package dev.tandem.agent.health;

import java.time.Duration;

/** One run of a health check: healthy or not, within the timeout. Implementations never throw. */
public interface HealthProbe {
    /** A result with the reason a person reads when it failed. */
    record Result(boolean healthy, String detail) {
        public static Result ok() {
            return new Result(true, "ok");
        }

        public static Result failed(String why) {
            return new Result(false, why);
        }
    }

    Result run(Duration timeout);
}
