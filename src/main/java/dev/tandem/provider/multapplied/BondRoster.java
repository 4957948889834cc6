package dev.tandem.provider.multapplied;

import dev.tandem.api.v1alpha1.MultappliedBondSpec;
import dev.tandem.api.v1alpha1.MultappliedSpec;
import dev.tandem.provider.ProviderException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The members' bonds and their floating routing objects as the FloatingIp lists them, and the order in which a move
 * switches them: the order of {@code swap-active-bond.py} (reference section 6.2), per other bond its CPE NAT IPs,
 * routes and connected IPs off, then the target bond's connected IPs, CPE NAT IPs and routes on. Routes come on last
 * on purpose (the script's commit 690dae1 "Enable routes after connected IPs"): a route via the bond is useless
 * until the connected IP it points through is up.
 */
final class BondRoster {
    /** One member's bond and its floating objects, in the order they are listed in the spec. */
    record Bond(String node, long bondId, List<RoutingObject> objects) {
        List<RoutingObject> of(RoutingObject.Kind kind) {
            return objects.stream().filter(o -> o.kind() == kind).toList();
        }
    }

    private final List<Bond> bonds;

    private BondRoster(List<Bond> bonds) {
        this.bonds = List.copyOf(bonds);
    }

    /**
     * Reads the spec, checking what the CRD schema cannot: every bond names a node and a bond id, no bond is listed
     * twice, and every bond has at least one floating object (a bond without any could never be told apart from an
     * inactive one).
     *
     * @throws IllegalArgumentException naming the field to fix
     */
    static BondRoster from(MultappliedSpec spec) {
        if (spec == null || spec.bonds == null || spec.bonds.isEmpty()) {
            throw new IllegalArgumentException("spec.provider.multapplied.bonds is empty; list the bond of each member");
        }
        List<Bond> bonds = new ArrayList<>();
        Set<String> nodes = new HashSet<>();
        Set<Long> bondIds = new HashSet<>();
        for (int i = 0; i < spec.bonds.size(); i++) {
            MultappliedBondSpec b = spec.bonds.get(i);
            String where = "spec.provider.multapplied.bonds[" + i + "]";
            if (b == null || b.node == null || b.node.isBlank()) {
                throw new IllegalArgumentException(where + ".node is missing");
            }
            if (b.bondId == null || b.bondId < 1) {
                throw new IllegalArgumentException(where + ".bondId is missing or not positive");
            }
            if (!nodes.add(b.node)) {
                throw new IllegalArgumentException(where + " names node " + b.node + " a second time");
            }
            if (!bondIds.add(b.bondId)) {
                throw new IllegalArgumentException(where + " names bond " + b.bondId + " a second time");
            }
            List<RoutingObject> objects = new ArrayList<>();
            add(objects, b, RoutingObject.Kind.CONNECTED_IP, b.connectedIpIds, where);
            add(objects, b, RoutingObject.Kind.ROUTE, b.routeIds, where);
            add(objects, b, RoutingObject.Kind.CPE_NAT_IP, b.cpeNatIpIds, where);
            if (objects.isEmpty()) {
                throw new IllegalArgumentException(where + " (node " + b.node + ", bond " + b.bondId
                        + ") lists no connectedIpIds, routeIds or cpeNatIpIds; list the routing objects that float");
            }
            bonds.add(new Bond(b.node, b.bondId, objects));
        }
        return new BondRoster(bonds);
    }

    private static void add(List<RoutingObject> objects, MultappliedBondSpec b, RoutingObject.Kind kind,
            List<Long> ids, String where) {
        if (ids == null) {
            return;
        }
        Set<Long> seen = new HashSet<>();
        for (Long id : ids) {
            if (id == null || id < 1) {
                throw new IllegalArgumentException(where + "." + kind.specField() + " holds an id that is not positive");
            }
            if (seen.add(id)) {
                objects.add(new RoutingObject(b.node, b.bondId, kind, id));
            }
        }
    }

    List<Bond> bonds() {
        return bonds;
    }

    /** Every floating object of every bond, bond by bond. */
    List<RoutingObject> allObjects() {
        return bonds.stream().flatMap(b -> b.objects().stream()).toList();
    }

    /** The bond of {@code node}; a permanent error listing the known nodes when it has none. */
    Bond bondOf(String node) throws ProviderException {
        for (Bond b : bonds) {
            if (b.node().equals(node)) {
                return b;
            }
        }
        throw new ProviderException(ProviderException.Kind.PERMANENT, MultappliedProvider.NAME, "bonds",
                "node " + node + " has no bond in spec.provider.multapplied.bonds (it lists "
                        + String.join(", ", bonds.stream().map(Bond::node).toList())
                        + "); add an entry for it");
    }

    /** The whole sequence that makes {@code target} the active bond, in the script's order. */
    List<SwitchStep> activation(Bond target) {
        List<SwitchStep> steps = new ArrayList<>();
        for (Bond other : bonds) {
            if (!other.equals(target)) {
                steps.addAll(deactivation(other));
            }
        }
        steps.addAll(switchAll(target, true, RoutingObject.Kind.CONNECTED_IP, RoutingObject.Kind.CPE_NAT_IP,
                RoutingObject.Kind.ROUTE));
        return Collections.unmodifiableList(steps);
    }

    /** Turning one bond's objects off, in the script's order for the peer bond. */
    List<SwitchStep> deactivation(Bond bond) {
        return switchAll(bond, false, RoutingObject.Kind.CPE_NAT_IP, RoutingObject.Kind.ROUTE,
                RoutingObject.Kind.CONNECTED_IP);
    }

    private static List<SwitchStep> switchAll(Bond bond, boolean enabled, RoutingObject.Kind... order) {
        List<SwitchStep> steps = new ArrayList<>();
        for (RoutingObject.Kind kind : order) {
            for (RoutingObject o : bond.of(kind)) {
                steps.add(new SwitchStep(o, enabled));
            }
        }
        return steps;
    }
}
