package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenStackSpec {
    public static final String UUID_PATTERN = "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$";

    @Required
    @Size(max = 2048)
    @Pattern(ProviderUrls.HTTP_URL_PATTERN)
    @JsonPropertyDescription("Keystone v3 URL, e.g. https://keystone.example.net:5000/v3.")
    public String authUrl;

    @Size(max = 2048)
    @Pattern(ProviderUrls.HTTP_URL_PATTERN)
    @JsonPropertyDescription("Neutron endpoint. Default: taken from the Keystone service catalogue.")
    public String networkUrl;

    @Required
    @JsonPropertyDescription("Secret with an application credential (keys applicationCredentialId and"
            + " applicationCredentialSecret).")
    public SecretKeyRef credentialsSecretRef;

    @Required
    @Pattern(UUID_PATTERN)
    @JsonPropertyDescription("Id of the Neutron floating IP.")
    public String floatingIpId;

    @Required
    @Size(min = 2, max = 8)
    @ValidationRule(value = "self.all(p, self.exists_one(q, q.node == p.node))", message = "ports must name distinct nodes")
    @JsonPropertyDescription("The Neutron port of each member that the floating IP is associated with.")
    public List<OpenStackPortSpec> ports = new ArrayList<>();
}
