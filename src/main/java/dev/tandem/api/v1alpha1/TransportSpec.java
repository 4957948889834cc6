package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type == 'udp' || !has(self.udp)", message = "transport.udp is only allowed with type udp")
public class TransportSpec {
    public enum Type { vrrp, udp }

    public enum Peering { unicast, multicast }

    @Default("vrrp")
    @JsonPropertyDescription("vrrp: the VRRPv3 wire format over IP protocol 112, interoperable with keepalived."
            + " udp: the same election in UDP datagrams authenticated with HMAC-SHA256, for networks that drop"
            + " protocol 112 or where peers must be authenticated.")
    public Type type;

    @Default("unicast")
    @JsonPropertyDescription("For type vrrp: unicast sends advertisements to each member's address (works on clouds"
            + " without multicast); multicast sends them to 224.0.0.18 / ff02::12 on the member's interface.")
    public Peering peering;

    @JsonPropertyDescription("Settings of the udp transport.")
    public UdpTransportSpec udp;
}
