package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MemberSpec {
    public static final int DEFAULT_PRIORITY = 100;

    @Required
    @Size(max = 253)
    @Pattern(Tandem.NAME_PATTERN)
    @JsonPropertyDescription("Name of the Kubernetes node (or, in standalone mode, the host's --node name).")
    public String node;

    @Default("100")
    @Min(1)
    @Max(254)
    @JsonPropertyDescription("Election priority, 1-254; the highest healthy member becomes active. 255 is reserved for"
            + " the owner of the address and 0 for a member that is leaving (RFC 5798 §5.2.4).")
    public Integer priority;

    @Size(max = 45)
    @Pattern(Tandem.IP_PATTERN)
    @JsonPropertyDescription("Address the other members send advertisements to. Default: the node's InternalIP.")
    public String address;

    @Size(max = 15)
    @Pattern(Tandem.INTERFACE_PATTERN)
    @JsonPropertyDescription("Interface on this member, overriding spec.interface for this node only.")
    @JsonProperty("interface")
    public String interfaceName;

    public MemberSpec() {
    }

    public MemberSpec(String node, int priority) {
        this.node = node;
        this.priority = priority;
    }
}
