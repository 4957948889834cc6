package dev.tandem.provider.openstack;

import dev.tandem.api.v1alpha1.OpenStackPortSpec;
import dev.tandem.provider.ProviderException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The Neutron port of each member, by node name, as {@code spec.provider.openstack.ports} lists them. */
final class MemberPorts {
    /**
     * @param fixedIpAddress the fixed IP to associate with, or null to let Neutron pick the port's only one
     */
    record Port(String node, String portId, String fixedIpAddress) {
        boolean is(String otherPortId) {
            return otherPortId != null && canonical(portId).equals(canonical(otherPortId));
        }
    }

    private final List<Port> ports;

    private MemberPorts(List<Port> ports) {
        this.ports = List.copyOf(ports);
    }

    /** @throws IllegalArgumentException naming the field to fix */
    static MemberPorts from(List<OpenStackPortSpec> specs) {
        if (specs == null || specs.isEmpty()) {
            throw new IllegalArgumentException("spec.provider.openstack.ports is empty; list the port of each member");
        }
        List<Port> ports = new ArrayList<>();
        Set<String> nodes = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            OpenStackPortSpec s = specs.get(i);
            String where = "spec.provider.openstack.ports[" + i + "]";
            if (s == null || s.node == null || s.node.isBlank()) {
                throw new IllegalArgumentException(where + ".node is missing");
            }
            if (s.portId == null || s.portId.isBlank()) {
                throw new IllegalArgumentException(where + ".portId is missing");
            }
            if (!nodes.add(s.node)) {
                throw new IllegalArgumentException(where + " names node " + s.node + " a second time");
            }
            String fixed = s.fixedIpAddress == null || s.fixedIpAddress.isBlank() ? null : s.fixedIpAddress.strip();
            ports.add(new Port(s.node, s.portId.strip(), fixed));
        }
        return new MemberPorts(ports);
    }

    Port of(String node) throws ProviderException {
        return ports.stream().filter(p -> p.node().equals(node)).findFirst().orElseThrow(() -> new ProviderException(
                ProviderException.Kind.PERMANENT, OpenStackProvider.NAME, "ports", "node " + node
                        + " has no port in spec.provider.openstack.ports (it lists "
                        + String.join(", ", ports.stream().map(Port::node).toList()) + "); add an entry for it"));
    }

    Optional<Port> withId(String portId) {
        return ports.stream().filter(p -> p.is(portId)).findFirst();
    }

    /** Neutron answers ids in lower case with dashes; the spec also accepts upper case and no dashes. */
    static String canonical(String uuid) {
        return uuid.replace("-", "").toLowerCase(Locale.ROOT);
    }
}
