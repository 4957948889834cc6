package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MultappliedSpec {
    @Required
    @Size(max = 2048)
    @Pattern(ProviderUrls.HTTP_URL_PATTERN)
    @JsonPropertyDescription("Base URL of the management server, e.g. https://bonding.example.net.")
    public String apiUrl;

    @Required
    @JsonPropertyDescription("Secret with the e-mail (key username) and password (key password) of a user whose only"
            + " group may view and change routing objects.")
    public SecretKeyRef credentialsSecretRef;

    @Default("true")
    @JsonPropertyDescription("Verify the management server's TLS certificate.")
    public Boolean verifyTls;

    @Required
    @Size(min = 2, max = 8)
    @ValidationRule(value = "self.all(b, self.exists_one(c, c.node == b.node))", message = "bonds must name distinct nodes")
    @JsonPropertyDescription("The bond each member runs. The active member's routing objects are enabled and the"
            + " others' disabled: others' CPE NAT IPs, routes, connected IPs off, then the active member's connected"
            + " IPs, CPE NAT IPs and routes on.")
    public List<MultappliedBondSpec> bonds = new ArrayList<>();
}
