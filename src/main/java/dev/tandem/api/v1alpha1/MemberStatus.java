package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.LinkedHashMap;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MemberStatus {
    public enum State { INIT, BACKUP, MASTER, FAULT }

    @JsonPropertyDescription("The member's election state: INIT, BACKUP, MASTER or FAULT.")
    public State state;

    @JsonPropertyDescription("Priority after health-check weights, 0-255.")
    public Integer effectivePriority;

    @JsonPropertyDescription("When the member entered its current state (RFC 3339).")
    public String since;

    @JsonPropertyDescription("When the agent last reported (RFC 3339); a stale report means the agent is gone.")
    public String lastSeen;

    @JsonPropertyDescription("Result of each health check by name: passing or failing.")
    public Map<String, String> checks = new LinkedHashMap<>();

    @JsonPropertyDescription("Why the member entered its state, e.g. MasterDown, Preempted, PriorityZero,"
            + " HealthCheckFailed.")
    public String reason;

    @JsonPropertyDescription("For a member that became MASTER: milliseconds from the old master's last advertisement"
            + " to this member announcing the addresses, as measured by the agent.")
    public Long takeoverMillis;

    @JsonPropertyDescription("Names of the FloatingIps whose address this member holds now.")
    public java.util.List<String> holds = new java.util.ArrayList<>();

    @JsonPropertyDescription("For cloud FloatingIps this member is moving to itself: why the last attempt failed, by"
            + " FloatingIp name (the provider's error, never a credential). Empty once the provider confirmed.")
    public java.util.Map<String, String> providerErrors = new java.util.LinkedHashMap<>();

    @JsonPropertyDescription("The address this member sends its adverts from, as its agent sees it.")
    public String address;

    public MemberStatus() {
    }

    public MemberStatus(State state, int effectivePriority) {
        this.state = state;
        this.effectivePriority = effectivePriority;
    }
}
