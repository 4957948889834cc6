package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocalObjectRef {
    @Required
    @Size(max = 253)
    @Pattern(Tandem.NAME_PATTERN)
    @JsonPropertyDescription("Name of the object in the same namespace.")
    public String name;

    public LocalObjectRef() {
    }

    public LocalObjectRef(String name) {
        this.name = name;
    }
}
