package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.exec), has(self.tcp), has(self.http)].filter(x, x).size() == 1",
        message = "a health check needs exactly one of exec, tcp or http")
@ValidationRule(value = "!has(self.timeout) || !has(self.interval) || duration(self.timeout) <= duration(self.interval)",
        message = "a health check's timeout must not exceed its interval")
public class HealthCheckSpec {
    @Required
    @Size(max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    @JsonPropertyDescription("Name of the check, unique within the pair; shown in status and metrics.")
    public String name;

    @JsonPropertyDescription("Run a command on the node; exit status 0 means healthy (e.g. [pidof, haproxy]).")
    public ExecCheckSpec exec;

    @JsonPropertyDescription("Open a TCP connection; success means healthy.")
    public TcpCheckSpec tcp;

    @JsonPropertyDescription("Send an HTTP GET; an expected status means healthy.")
    public HttpCheckSpec http;

    @Default("2s")
    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @ValidationRule(value = "duration(self) >= duration('100ms') && duration(self) <= duration('1h')",
            message = "interval must be between 100ms and 1h")
    @JsonPropertyDescription("Time between two runs of the check.")
    public String interval;

    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @ValidationRule(value = "duration(self) >= duration('10ms')", message = "timeout must be at least 10ms")
    @JsonPropertyDescription("A run that takes longer counts as a failure. At most the interval. Default: 1s, or the"
            + " interval when that is shorter.")
    public String timeout;

    @Default("2")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Consecutive successes before a failing check counts as healthy again.")
    public Integer rise;

    @Default("2")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Consecutive failures before a healthy check counts as failing.")
    public Integer fall;

    @Min(1)
    @Max(253)
    @JsonPropertyDescription("Priority subtracted while the check fails. When omitted, a failing check puts the member"
            + " in FAULT: it releases every floating IP and does not take part in the election.")
    public Integer weight;
}
