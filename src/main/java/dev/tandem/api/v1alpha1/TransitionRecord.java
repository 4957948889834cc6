package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One change of the active member. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TransitionRecord {
    @JsonPropertyDescription("When the new active member took over, by its own clock (RFC 3339); when the operator"
            + " observed the change if the member did not say.")
    public String time;

    @JsonPropertyDescription("The previously active member, empty when there was none.")
    public String from;

    @JsonPropertyDescription("The newly active member, empty when none is active.")
    public String to;

    @JsonPropertyDescription("Why it happened, e.g. MasterDown, Preempted, PriorityZero, HealthCheckFailed.")
    public String reason;

    @JsonPropertyDescription("Measured takeover time in milliseconds, when the agent measured it.")
    public Long takeoverMillis;

    public TransitionRecord() {
    }

    public TransitionRecord(String time, String from, String to, String reason) {
        this.time = time;
        this.from = from;
        this.to = to;
        this.reason = reason;
    }
}
