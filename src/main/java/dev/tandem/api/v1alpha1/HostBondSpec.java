package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.mode == 'bond' ? has(self.bond) && !has(self.routed) : has(self.routed) && !has(self.bond)",
        message = "mode bond needs the bond block and mode routed the routed block, and not the other")
public class HostBondSpec {
    public enum Mode { bond, routed }

    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Labels a node must carry for this HostBond to apply to it. At least one label, so that"
            + " an empty selector never reconfigures every node of the cluster.")
    public Map<String, String> nodeSelector = new LinkedHashMap<>();

    @Required
    @JsonPropertyDescription("bond: an active-backup kernel bond over the uplinks. routed: each uplink keeps its own"
            + " default route and the agent moves traffic to the best healthy uplink.")
    public Mode mode;

    @JsonPropertyDescription("Settings of mode bond.")
    public BondSpec bond;

    @JsonPropertyDescription("Settings of mode routed.")
    public RoutedSpec routed;

    @Size(max = 16)
    @JsonPropertyDescription("Addresses (with prefix length) to put on the bond in mode bond. Default: the addresses"
            + " the slaves have now are moved to the bond.")
    public List<@Size(max = 49) @Pattern(Tandem.CIDR_PATTERN) String> addresses = new ArrayList<>();

    @Size(max = 45)
    @Pattern(Tandem.IP_PATTERN)
    @JsonPropertyDescription("Default gateway through the bond in mode bond. Default: the current default gateway.")
    public String gateway;

    @JsonPropertyDescription("How a change is checked and undone when it breaks the node's connectivity.")
    public RollbackSpec rollback;

    @ValidationRule(value = "type(self) == int ? self >= 1 : self.matches('^([1-9][0-9]?|100)%$')",
            message = "maxUnavailable must be a number of nodes (at least 1) or a percentage 1%-100%")
    @JsonPropertyDescription("Nodes reconfigured at the same time, a number or a percentage. Default: 1.")
    public IntOrString maxUnavailable;
}
