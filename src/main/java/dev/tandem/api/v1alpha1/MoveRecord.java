package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MoveRecord {
    @JsonPropertyDescription("When the move completed (RFC 3339).")
    public String time;

    @JsonPropertyDescription("The previous holder, empty when there was none.")
    public String from;

    @JsonPropertyDescription("The new holder.")
    public String to;

    @JsonPropertyDescription("Milliseconds from the new holder becoming active to the provider confirming the move.")
    public Long durationMillis;
}
