package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.timeout) || !has(self.interval) || duration(self.timeout) <= duration(self.interval)",
        message = "probe.timeout must not exceed probe.interval")
public class ProbeSpec {
    public enum Method { arp, icmp }

    @Default("arp")
    @JsonPropertyDescription("arp: an ARP request to the gateway (IPv4). icmp: an echo request.")
    public Method method;

    @Default("100ms")
    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @ValidationRule(value = "duration(self) >= duration('10ms') && duration(self) <= duration('1m')",
            message = "probe.interval must be between 10ms and 1m")
    @JsonPropertyDescription("Time between two probes of each gateway.")
    public String interval;

    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @JsonPropertyDescription("A probe without answer after this long has failed. Default: the interval.")
    public String timeout;

    @Default("3")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Consecutive answered probes before an uplink counts as healthy again.")
    public Integer rise;

    @Default("2")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Consecutive lost probes before an uplink counts as down.")
    public Integer fall;
}
