package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HetznerSpec {
    public static final String DEFAULT_API_URL = "https://api.hetzner.cloud/v1";
    public static final String DEFAULT_METADATA_URL = "http://169.254.169.254/hetzner/v1/metadata";

    @Required
    @JsonPropertyDescription("Secret with a read-write API token of the project (key default: token).")
    public SecretKeyRef credentialsSecretRef;

    @Min(1)
    @JsonPropertyDescription("Id of the floating IP. Default: looked up by address.")
    public Long floatingIpId;

    @Default(DEFAULT_API_URL)
    @Size(max = 2048)
    @Pattern(ProviderUrls.HTTP_URL_PATTERN)
    @JsonPropertyDescription("API base URL, for proxies and tests.")
    public String apiUrl;

    @Default(DEFAULT_METADATA_URL)
    @Size(max = 2048)
    @Pattern(ProviderUrls.HTTP_URL_PATTERN)
    @JsonPropertyDescription("Server metadata service, used in standalone mode to learn the server id.")
    public String metadataUrl;
}
