package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.layer2), has(self.digitalocean), has(self.hetzner), has(self.aws),"
        + " has(self.multapplied), has(self.openstack)].filter(x, x).size() == 1",
        message = "provider needs exactly one of layer2, digitalocean, hetzner, aws, multapplied, openstack")
public class ProviderSpec {
    @JsonPropertyDescription("The address lives on the active member's interface and is announced with gratuitous ARP"
            + " (IPv4) or unsolicited neighbour advertisements (IPv6). For bare metal and one layer-2 segment.")
    public LayerTwoSpec layer2;

    @JsonPropertyDescription("A DigitalOcean reserved IP, assigned to the active member's droplet.")
    public DigitalOceanSpec digitalocean;

    @JsonPropertyDescription("A Hetzner Cloud floating IP, assigned to the active member's server.")
    public HetznerSpec hetzner;

    @JsonPropertyDescription("An AWS Elastic IP or secondary private IP, moved to the active member's instance.")
    public AwsSpec aws;

    @JsonPropertyDescription("Multapplied Bonded Internet routing objects, enabled on the active member's bond and"
            + " disabled on the others.")
    public MultappliedSpec multapplied;

    @JsonPropertyDescription("An OpenStack Neutron floating IP, associated with the active member's port.")
    public OpenStackSpec openstack;
}
