package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TcpCheckSpec {
    @Default("127.0.0.1")
    @Size(max = 253)
    @JsonPropertyDescription("Host name or address to connect to, seen from the node.")
    public String host;

    @Required
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("TCP port to connect to.")
    public Integer port;
}
