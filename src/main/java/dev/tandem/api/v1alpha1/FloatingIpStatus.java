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

    @JsonPropertyDescription("Ready: the address is held by the pair's active member. References: the pair and the"
            + " credentials Secret exist.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;
}
