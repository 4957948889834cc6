package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Retries of provider calls. The defaults retry faster and longer than the seeds' scripts (10 s timeout, 3 attempts 5 s
 * apart): a first retry after 250 ms, doubling with jitter up to 5 s, for 8 attempts, each call bounded by 5 s.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.initialBackoff) || !has(self.maxBackoff) || duration(self.initialBackoff) <= duration(self.maxBackoff)",
        message = "retry.initialBackoff must not exceed retry.maxBackoff")
public class RetrySpec {
    public static final int DEFAULT_ATTEMPTS = 8;
    public static final String DEFAULT_INITIAL_BACKOFF = "250ms";
    public static final String DEFAULT_MAX_BACKOFF = "5s";
    public static final String DEFAULT_TIMEOUT = "5s";

    @Default("8")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Attempts per call, the first included. Permanent errors (401, 403, 404) are not retried.")
    public Integer attempts;

    @Default(DEFAULT_INITIAL_BACKOFF)
    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @JsonPropertyDescription("Wait before the first retry; it doubles with jitter, and Retry-After or a rate-limit"
            + " reset from the server wins when longer.")
    public String initialBackoff;

    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @JsonPropertyDescription("Longest wait between two attempts. Default: 5s, or initialBackoff when that is longer.")
    public String maxBackoff;

    @Default(DEFAULT_TIMEOUT)
    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @ValidationRule(value = "duration(self) >= duration('100ms') && duration(self) <= duration('5m')",
            message = "retry.timeout must be between 100ms and 5m")
    @JsonPropertyDescription("Time limit of one call.")
    public String timeout;
}
