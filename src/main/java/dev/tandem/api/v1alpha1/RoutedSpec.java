package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RoutedSpec {
    @Required
    @Size(min = 2, max = 8)
    @ValidationRule(value = "self.all(u, self.exists_one(v, v.interface == u.interface))",
            message = "uplinks must name distinct interfaces")
    @JsonPropertyDescription("The uplinks in order of preference; traffic uses the first healthy one.")
    public List<UplinkSpec> uplinks = new ArrayList<>();

    @JsonPropertyDescription("How each uplink's gateway is probed.")
    public ProbeSpec probe;
}
