package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class UdpTransportSpec {
    public static final int DEFAULT_PORT = 5798;

    @Default("5798")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("UDP port the members listen on and send to.")
    public Integer port;

    @JsonPropertyDescription("Secret holding the HMAC-SHA256 key (at least 32 bytes; key default: key). When omitted"
            + " the operator creates a Secret named tandem-<pair>-auth with a random 32-byte key.")
    public SecretKeyRef authSecretRef;
}
