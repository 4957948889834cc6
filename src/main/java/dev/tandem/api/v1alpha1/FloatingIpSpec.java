package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.provider) || !has(self.provider.layer2) || !has(self.provider.layer2.prefixLength)"
        + " || self.address.contains(':') || self.provider.layer2.prefixLength <= 32",
        message = "provider.layer2.prefixLength must be at most 32 for an IPv4 address")
public class FloatingIpSpec {
    @Required
    @Size(max = 45)
    @Pattern(Tandem.IP_PATTERN)
    @ValidationRule(value = "self == oldSelf", message = "address is immutable; create a new FloatingIp instead")
    @JsonPropertyDescription("The floating address, IPv4 or IPv6, without prefix length. Immutable.")
    public String address;

    @Required
    @JsonPropertyDescription("The FailoverPair, in this namespace, whose active member holds the address.")
    public LocalObjectRef failoverPairRef;

    @Required
    @JsonPropertyDescription("How the address is moved: exactly one of layer2, digitalocean, hetzner, aws, multapplied"
            + " or openstack.")
    public ProviderSpec provider;

    @Default("false")
    @JsonPropertyDescription("Also put the address on the active member's interface (no ARP announcements), as Hetzner"
            + " Cloud requires. Ignored for layer2, which always does.")
    public Boolean configureOnHost;

    @JsonPropertyDescription("How cloud API calls are retried.")
    public RetrySpec retry;
}
