package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenStackPortSpec {
    @Required
    @Size(max = 253)
    @Pattern(Tandem.NAME_PATTERN)
    @JsonPropertyDescription("Member node that owns the port.")
    public String node;

    @Required
    @Pattern(OpenStackSpec.UUID_PATTERN)
    @JsonPropertyDescription("Id of the Neutron port.")
    public String portId;

    @Size(max = 45)
    @Pattern(Tandem.IP_PATTERN)
    @JsonPropertyDescription("Fixed IP on the port, needed when the port has several.")
    public String fixedIpAddress;
}
