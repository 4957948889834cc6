package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FloatingIpStatus {
    public enum Phase { Pending, Assigning, Assigned, Releasing, Failed }

    @JsonPropertyDescription("The node the address is assigned to, empty when none.")
    public String holderNode;

    @JsonPropertyDescription("Pending (waiting for an active member), Assigning, Assigned, Releasing or Failed.")
    public Phase phase;

    @JsonPropertyDescription("The provider in use: layer2, digitalocean, hetzner, aws, multapplied or openstack.")
    public String provider;

    @JsonPropertyDescription("The last move of the address.")
    public MoveRecord lastMove;

    @JsonPropertyDescription("How many times the address has moved.")
    public Long moves;

    @JsonPropertyDescription("The last time the operator found a cloud address away from the pair's active member"
            + " (moved behind tandem's back, e.g. in the provider's console) and moved it back.")
    public DriftRepair lastDriftRepair;

    @JsonPropertyDescription("How many times the operator has moved a cloud address back to the active member.")
    public Long driftRepairs;

    @JsonPropertyDescription("Ready: the address is held by the pair's active member. References: the pair and the"
            + " credentials Secret exist. ProviderInSync (cloud providers only): the provider, asked every"
            + " driftCheckInterval, assigns the address to the active member's machine; reasons InSync, Drift,"
            + " Repairing, ProviderError, Unknown.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    /** One repair of drift: where the provider had the address, and where the operator moved it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class DriftRepair {
        @JsonPropertyDescription("When the provider confirmed the repair (RFC 3339).")
        public String time;

        @JsonPropertyDescription("The machine id (droplet, server, instance, or node name for providers that map"
                + " members by node) that held the address; empty when it was not assigned.")
        public String from;

        @JsonPropertyDescription("The member node of that machine, empty when it is not a member of the pair.")
        public String fromNode;

        @JsonPropertyDescription("The machine id of the active member, which holds the address now.")
        public String to;

        @JsonPropertyDescription("The active member node.")
        public String toNode;

        public DriftRepair() {
        }

        public DriftRepair(String time, String from, String fromNode, String to, String toNode) {
            this.time = time;
            this.from = from;
            this.fromNode = fromNode;
            this.to = to;
            this.toNode = toNode;
        }
    }
}
