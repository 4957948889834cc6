package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HttpCheckSpec {
    @Required
    @Size(max = 2048)
    @Pattern("^https?://[^\\s/]+(/\\S*)?$")
    @JsonPropertyDescription("URL to GET, seen from the node, e.g. http://127.0.0.1:8404/healthz.")
    public String url;

    @Size(max = 16)
    @JsonPropertyDescription("Status codes that count as healthy. Default: any 2xx.")
    public List<@Min(100) @Max(599) Integer> expectStatus = new ArrayList<>();
}
