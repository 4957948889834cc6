package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExecCheckSpec {
    @Required
    @Size(min = 1, max = 32)
    @JsonPropertyDescription("Program and arguments, run without a shell, e.g. [pidof, haproxy].")
    public List<@Size(max = 4096) String> command = new ArrayList<>();
}
