package dev.tandem.provider;

import java.util.Objects;

/**
 * A member of a pair as a provider sees it: the node name, and the machine's id at the provider (droplet id, Hetzner
 * server id, EC2 instance id, OpenStack server id). Providers that map members by node name (multapplied, openstack)
 * ignore {@code machineId}; it is empty when the identity is not known.
 */
public record Member(String node, String machineId) {
    public Member {
        Objects.requireNonNull(node, "node");
        machineId = machineId == null ? "" : machineId;
    }

    public boolean hasMachineId() {
        return !machineId.isEmpty();
    }
}
