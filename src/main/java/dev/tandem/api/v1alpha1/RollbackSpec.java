package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.enabled) && !self.enabled) || !has(self.probeGateway) || !has(self.probeApiServer)"
        + " || self.probeGateway || self.probeApiServer",
        message = "rollback is enabled but probes nothing; enable probeGateway or probeApiServer")
public class RollbackSpec {
    @Default("true")
    @JsonPropertyDescription("Record the node's network configuration before a change and restore it when the probes"
            + " fail. Turning this off is only allowed when no slave holds the node's only route.")
    public Boolean enabled;

    @Default("30s")
    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @ValidationRule(value = "duration(self) >= duration('5s') && duration(self) <= duration('10m')",
            message = "rollback.timeout must be between 5s and 10m")
    @JsonPropertyDescription("How long the probes may take to succeed after a change before it is rolled back.")
    public String timeout;

    @Default("true")
    @JsonPropertyDescription("Probe the default gateway after a change.")
    public Boolean probeGateway;

    @Default("true")
    @JsonPropertyDescription("Probe the Kubernetes API server after a change (Kubernetes mode only).")
    public Boolean probeApiServer;
}
