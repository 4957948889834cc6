package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

/** Active-backup bonding; field names follow the kernel's bonding options (Documentation/networking/bonding.rst). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.primary) || self.primary in self.slaves", message = "bond.primary must be one of bond.slaves")
@ValidationRule(value = "!has(self.miimon) || self.miimon == 0 || ((!has(self.updelay) || self.updelay % self.miimon == 0)"
        + " && (!has(self.downdelay) || self.downdelay % self.miimon == 0))",
        message = "bond.updelay and bond.downdelay must be multiples of bond.miimon")
@ValidationRule(value = "!has(self.arpInterval) || self.arpInterval == 0 || (has(self.arpIpTargets) && size(self.arpIpTargets) > 0)",
        message = "bond.arpInterval needs at least one bond.arpIpTargets entry")
public class BondSpec {
    public enum PrimaryReselect { always, better, failure }

    public enum FailOverMac { none, active, follow }

    @Default("bond0")
    @Size(max = 15)
    @Pattern(Tandem.INTERFACE_PATTERN)
    @JsonPropertyDescription("Name of the bond interface.")
    public String name;

    @Required
    @Size(min = 2, max = 8)
    @JsonPropertyDescription("Interfaces to enslave, e.g. [eth0, wlan0]. Each is set down before it is enslaved, as the"
            + " kernel requires.")
    public List<@Size(max = 15) @Pattern(Tandem.INTERFACE_PATTERN) String> slaves = new ArrayList<>();

    @Size(max = 15)
    @Pattern(Tandem.INTERFACE_PATTERN)
    @JsonPropertyDescription("Slave that is active whenever it is up, e.g. the wired link.")
    public String primary;

    @Default("always")
    @JsonPropertyDescription("When the primary becomes active again after it returns: always, better (only if it is"
            + " faster) or failure (only when the active slave fails).")
    public PrimaryReselect primaryReselect;

    @Default("100")
    @Min(0)
    @Max(60000)
    @JsonPropertyDescription("MII link monitoring interval in milliseconds; 0 disables it.")
    public Integer miimon;

    @Default("0")
    @Min(0)
    @Max(600000)
    @JsonPropertyDescription("Milliseconds a link must be up before it is used; a multiple of miimon.")
    public Integer updelay;

    @Default("0")
    @Min(0)
    @Max(600000)
    @JsonPropertyDescription("Milliseconds a link must be down before it is dropped; a multiple of miimon.")
    public Integer downdelay;

    @Default("none")
    @JsonPropertyDescription("MAC address policy: none (all slaves share the bond's MAC), active (the bond takes the"
            + " active slave's MAC; needed for most wireless links) or follow.")
    public FailOverMac failOverMac;

    @Min(0)
    @Max(60000)
    @JsonPropertyDescription("ARP monitoring interval in milliseconds; an alternative to miimon.")
    public Integer arpInterval;

    @Size(max = 16)
    @JsonPropertyDescription("IPv4 addresses probed by ARP monitoring.")
    public List<@Size(max = 45) @Pattern(Tandem.IP_PATTERN) String> arpIpTargets = new ArrayList<>();

    @Default("1")
    @Min(0)
    @Max(255)
    @JsonPropertyDescription("Gratuitous ARPs sent after a failover.")
    public Integer numGratArp;
}
