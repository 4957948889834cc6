package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeBondStatus {
    public enum Phase { Pending, Applying, Applied, RolledBack, Failed }

    @JsonPropertyDescription("Pending, Applying, Applied, RolledBack or Failed.")
    public Phase phase;

    @JsonPropertyDescription("The link that carries traffic now.")
    public String active;

    @JsonPropertyDescription("When the active link or the phase last changed (RFC 3339).")
    public String lastChange;

    @JsonPropertyDescription("What happened last, in words.")
    public String message;

    public NodeBondStatus() {
    }

    public NodeBondStatus(Phase phase, String active, String message) {
        this.phase = phase;
        this.active = active;
        this.message = message;
    }
}
