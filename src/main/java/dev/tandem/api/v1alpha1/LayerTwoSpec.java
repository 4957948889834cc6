package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class LayerTwoSpec {
    @Size(max = 15)
    @Pattern(Tandem.INTERFACE_PATTERN)
    @JsonProperty("interface")
    @JsonPropertyDescription("Interface to put the address on. Default: the pair's election interface.")
    public String interfaceName;

    @Min(1)
    @Max(128)
    @JsonPropertyDescription("Prefix length the address is installed with. Default: 32 for IPv4, 128 for IPv6.")
    public Integer prefixLength;

    @Default("5")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Gratuitous ARPs (or unsolicited neighbour advertisements) sent on takeover.")
    public Integer announceCount;

    @Default("100ms")
    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @ValidationRule(value = "duration(self) >= duration('10ms') && duration(self) <= duration('10s')",
            message = "announceInterval must be between 10ms and 10s")
    @JsonPropertyDescription("Spacing between the announcements of a takeover burst.")
    public String announceInterval;

    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @ValidationRule(value = "duration(self) >= duration('1s')", message = "announceRefresh must be at least 1s")
    @JsonPropertyDescription("If set, the active member repeats one announcement this often, for switches that age"
            + " out their tables. Default: off.")
    public String announceRefresh;
}
