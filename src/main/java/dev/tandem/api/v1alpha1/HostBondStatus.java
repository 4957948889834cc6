package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostBondStatus {
    @JsonPropertyDescription("Nodes with phase Applied out of the nodes that match the selector, e.g. 2/3.")
    public String nodesReady;

    @JsonPropertyDescription("Per-node state, keyed by node name. Each node's agent reports its own entry.")
    public Map<String, NodeBondStatus> nodes = new LinkedHashMap<>();

    @JsonPropertyDescription("Ready: every matching node applied the configuration. Degraded: a node failed or rolled"
            + " back.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;
}
