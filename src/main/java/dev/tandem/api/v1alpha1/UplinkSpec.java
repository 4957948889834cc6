package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class UplinkSpec {
    @Required
    @Size(max = 15)
    @Pattern(Tandem.INTERFACE_PATTERN)
    @JsonProperty("interface")
    @JsonPropertyDescription("Interface of the uplink, e.g. eth0 or wlan0.")
    public String interfaceName;

    @Required
    @Size(max = 45)
    @Pattern(Tandem.IP_PATTERN)
    @JsonPropertyDescription("Gateway reached through this uplink.")
    public String gateway;

    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Route metric of this uplink's default route while it is standby. Default: 100 plus ten"
            + " times its position in the list.")
    public Integer metric;
}
