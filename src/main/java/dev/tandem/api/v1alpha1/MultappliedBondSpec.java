package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MultappliedBondSpec {
    @Required
    @Size(max = 253)
    @Pattern(Tandem.NAME_PATTERN)
    @JsonPropertyDescription("Member node that runs this bond.")
    public String node;

    @Required
    @Min(1)
    @JsonPropertyDescription("Id of the bond on the management server.")
    public Long bondId;

    @JsonPropertyDescription("Ids of the bond's connected IPs that float.")
    public List<@Min(1) Long> connectedIpIds = new ArrayList<>();

    @JsonPropertyDescription("Ids of the bond's routes that float.")
    public List<@Min(1) Long> routeIds = new ArrayList<>();

    @JsonPropertyDescription("Ids of the bond's CPE NAT IPs that float.")
    public List<@Min(1) Long> cpeNatIpIds = new ArrayList<>();
}
