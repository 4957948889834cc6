package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Observed state of a pair. The operator owns every field except {@code members}, whose entries each agent writes for
 * its own node, so that no writer ever replaces another's data.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverPairStatus {
    @JsonPropertyDescription("The member in MASTER state, or empty when none is.")
    public String activeMember;

    @JsonPropertyDescription("Members in MASTER or BACKUP state, out of all members, e.g. 2/2.")
    public String membersReady;

    @JsonPropertyDescription("The virtual router id in use: spec.virtualRouterId, or the one the operator allocated.")
    public Integer virtualRouterId;

    @JsonPropertyDescription("Per-member state, keyed by node name. Each agent reports its own entry.")
    public Map<String, MemberStatus> members = new LinkedHashMap<>();

    @JsonPropertyDescription("The address each member is reached at, by node name: spec.members[].address or the"
            + " node's InternalIP, resolved by the operator.")
    public Map<String, String> memberAddresses = new LinkedHashMap<>();

    @JsonPropertyDescription("Each member node's spec.providerID (e.g. digitalocean://123, hcloud://42,"
            + " aws:///eu-central-1a/i-0abc), by node name: how the agents of cloud FloatingIps know their machine.")
    public Map<String, String> memberProviderIds = new LinkedHashMap<>();

    @JsonPropertyDescription("Name of the Secret that holds the udp transport's key, when that transport is used.")
    public String authSecretName;

    @JsonPropertyDescription("When the active member last changed (RFC 3339).")
    public String lastTransition;

    @JsonPropertyDescription("How many times the active member has changed.")
    public Long transitions;

    @JsonPropertyDescription("The most recent changes of the active member, newest last.")
    public List<TransitionRecord> history = new ArrayList<>();

    @JsonPropertyDescription("Ready: the pair is valid, its workloads exist and exactly one member is active."
            + " Degraded: a member is missing, faulty or unhealthy.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;
}
