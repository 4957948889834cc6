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
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverPairSpec {
    public static final String DEFAULT_ADVERT_INTERVAL = "80ms";
    public static final String DEFAULT_PREEMPT_DELAY = "0s";
    /** Whole milliseconds or seconds with at most two decimals: the wire format counts centiseconds. */
    public static final String ADVERT_INTERVAL_PATTERN = "^([0-9]+ms|[0-9]+(\\.[0-9]{1,2})?s)$";
    /** CEL: 10 ms to 40.95 s in whole centiseconds, the range of the 12-bit VRRPv3 interval field (RFC 5798 §5.2.7). */
    public static final String ADVERT_INTERVAL_RULE = "duration(self) >= duration('10ms') && duration(self) <= duration('40.95s')"
            + " && duration(self).getMilliseconds() % 10 == 0";

    @Required
    @Size(min = 2, max = 8)
    @ValidationRule(value = "self.all(m, self.exists_one(n, n.node == m.node))",
            message = "members must name distinct nodes")
    @JsonPropertyDescription("The nodes that take part in the election, two to eight. Each node may appear once.")
    public List<MemberSpec> members = new ArrayList<>();

    @Min(1)
    @Max(255)
    @JsonPropertyDescription("VRRP virtual router id (1-255), shared by all members and unique among pairs on the same"
            + " network. When omitted the operator allocates a free one and reports it in status.virtualRouterId.")
    public Integer virtualRouterId;

    @Default(DEFAULT_ADVERT_INTERVAL)
    @Size(max = 32)
    @Pattern(FailoverPairSpec.ADVERT_INTERVAL_PATTERN)
    @ValidationRule(value = ADVERT_INTERVAL_RULE, message = "advertInterval must be between 10ms and 40.95s in steps of 10ms")
    @JsonPropertyDescription("How often the active member sends an advertisement, 10ms to 40.95s in steps of 10ms."
            + " A backup takes over after about three intervals without one.")
    public String advertInterval;

    @Default("true")
    @JsonPropertyDescription("Whether a member with a higher priority takes over from an active member with a lower one.")
    public Boolean preempt;

    @Default(DEFAULT_PREEMPT_DELAY)
    @Size(max = 32)
    @Pattern(Tandem.DURATION_PATTERN)
    @ValidationRule(value = "duration(self) <= duration('1h')", message = "preemptDelay must be at most 1h")
    @JsonPropertyDescription("How long a higher-priority member waits after starting before it preempts, at most 1h.")
    public String preemptDelay;

    @Size(max = 15)
    @Pattern(Tandem.INTERFACE_PATTERN)
    @JsonPropertyDescription("Network interface that carries the election and the floating IPs on every member, unless"
            + " a member names its own. Default: the interface that holds the member's address.")
    @JsonProperty("interface")
    public String interfaceName;

    @JsonPropertyDescription("How the members talk to each other. Default: VRRPv3 unicast between the members.")
    public TransportSpec transport;

    public enum Fencing { none, lease }

    @Default("none")
    @JsonPropertyDescription("A tie-breaker for cloud FloatingIps. none: the member that wins the election moves them."
            + " lease: before moving one, the new master also takes the pair's coordination Lease tandem-<pair>-fence"
            + " (10 s, renewed while MASTER, released on stepping down); while another member holds it, nothing is"
            + " moved, so two members that both believe they are MASTER never pull an address back and forth. When the"
            + " API server cannot be reached the election alone decides. Costs up to 10 s more when a master dies"
            + " without releasing the Lease. Layer-2 FloatingIps are not affected.")
    public Fencing fencing;

    @Size(max = 16)
    @ValidationRule(value = "self.all(c, self.exists_one(d, d.name == c.name))", message = "health check names must be unique")
    @JsonPropertyDescription("Checks that lower a member's priority, or put it in FAULT, while they fail.")
    public List<HealthCheckSpec> healthChecks = new ArrayList<>();
}
