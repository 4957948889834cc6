package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DigitalOceanSpec {
    public static final String DEFAULT_API_URL = "https://api.digitalocean.com";
    public static final String DEFAULT_METADATA_URL = "http://169.254.169.254";

    @Required
    @JsonPropertyDescription("Secret with an API token (key default: token) scoped to reserved_ip:update,"
            + " reserved_ip:read, droplet:read and actions:read.")
    public SecretKeyRef credentialsSecretRef;

    @Default(DEFAULT_API_URL)
    @Size(max = 2048)
    @Pattern(ProviderUrls.HTTP_URL_PATTERN)
    @JsonPropertyDescription("API base URL, for proxies and tests.")
    public String apiUrl;

    @Default(DEFAULT_METADATA_URL)
    @Size(max = 2048)
    @Pattern(ProviderUrls.HTTP_URL_PATTERN)
    @JsonPropertyDescription("Droplet metadata service, used in standalone mode to learn the droplet id.")
    public String metadataUrl;
}
