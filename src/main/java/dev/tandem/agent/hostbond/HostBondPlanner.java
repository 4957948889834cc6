package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.BondSpec;
import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.ProbeSpec;
import dev.tandem.api.v1alpha1.RollbackSpec;
import dev.tandem.api.v1alpha1.RoutedSpec;
import dev.tandem.api.v1alpha1.UplinkSpec;
import dev.tandem.net.BondOptions;
import dev.tandem.net.InstalledAddress;
import dev.tandem.net.LinkState;
import dev.tandem.net.Route;
import dev.tandem.validation.Durations;
import dev.tandem.validation.HostBondValidator;
import dev.tandem.validation.IpAddresses;
import dev.tandem.validation.SpecProblem;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a HostBond spec against one node's network into a {@link Plan}, or refuses it with every problem named:
 * the schema's rules (for standalone files, which no API server checked), interfaces that do not exist here, slaves
 * already enslaved elsewhere, and a change that could cut the node off with nothing to notice and undo it. Pure.
 */
public final class HostBondPlanner {
    static final String DEFAULT_BOND = "bond0";
    static final int DEFAULT_MIIMON = 100;
    static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

    private HostBondPlanner() {
    }

    /**
     * @param apiServerProbe whether the Kubernetes API server can be probed after a change (Kubernetes mode)
     * @throws PlanException naming every problem; nothing has been changed
     */
    public static Plan plan(HostBondSpec spec, NodeNetwork node, boolean apiServerProbe) throws PlanException {
        List<String> problems = new ArrayList<>();
        for (SpecProblem p : HostBondValidator.validate(spec)) {
            problems.add(p.toString());
        }
        if (!problems.isEmpty()) {
            throw new PlanException(problems);
        }
        Plan.Rollback rollback = rollback(spec.rollback, apiServerProbe);
        Plan plan = spec.mode == HostBondSpec.Mode.bond
                ? bond(spec, spec.bond, node, rollback, problems)
                : routed(spec.routed, node, rollback, problems);
        if (!problems.isEmpty()) {
            throw new PlanException(problems);
        }
        return plan;
    }

    static Plan.Rollback rollback(RollbackSpec r, boolean apiServerProbe) {
        if (r == null) {
            return new Plan.Rollback(true, Durations.orDefault(null, "30s"), true, apiServerProbe);
        }
        return new Plan.Rollback(!Boolean.FALSE.equals(r.enabled), Durations.orDefault(r.timeout, "30s"),
                !Boolean.FALSE.equals(r.probeGateway), apiServerProbe && !Boolean.FALSE.equals(r.probeApiServer));
    }

    private static Plan.Bond bond(HostBondSpec spec, BondSpec b, NodeNetwork node, Plan.Rollback rollback,
                                  List<String> problems) {
        String name = b.name == null ? DEFAULT_BOND : b.name;
        List<String> notes = new ArrayList<>();
        Optional<LinkState> existing = node.link(name);
        if (existing.isPresent() && !existing.get().isBond()) {
            problems.add("spec.bond.name: " + name + " exists on this node and is not a bond ("
                    + (existing.get().kind().isEmpty() ? "a device" : "kind " + existing.get().kind()) + ")");
        } else if (existing.isPresent() && existing.get().bond() != null
                && existing.get().bond().mode() != BondOptions.ACTIVE_BACKUP) {
            problems.add("spec.bond.name: bond " + name + " exists in mode "
                    + BondOptions.modeName(existing.get().bond().mode()) + "; tandem makes active-backup bonds and the"
                    + " kernel changes a bond's mode only without slaves: remove it (ip link del " + name
                    + ") or choose another name");
        }
        int bondIndex = existing.map(LinkState::index).orElse(-1);
        List<LinkState> slaves = new ArrayList<>();
        for (String slave : b.slaves) {
            Optional<LinkState> link = node.link(slave);
            if (link.isEmpty()) {
                problems.add(unknown("spec.bond.slaves", slave, node));
                continue;
            }
            if (link.get().master() != 0 && link.get().master() != bondIndex) {
                problems.add("spec.bond.slaves: " + slave + " is already enslaved to " + node.name(link.get().master())
                        + "; release it first");
            }
            slaves.add(link.get());
        }
        int primary = 0;
        if (b.primary != null) {
            primary = node.link(b.primary).map(LinkState::index).orElse(0);
        }
        int arpInterval = b.arpInterval == null ? 0 : b.arpInterval;
        int miimon = arpInterval > 0 ? 0 : (b.miimon == null ? DEFAULT_MIIMON : b.miimon);
        int updelay = b.updelay == null ? 0 : b.updelay;
        int downdelay = b.downdelay == null ? 0 : b.downdelay;
        if (arpInterval > 0 && b.miimon != null && b.miimon > 0) {
            notes.add("ARP monitoring every " + arpInterval + " ms replaces MII monitoring (miimon " + b.miimon
                    + "); the kernel runs one or the other");
        }
        if (miimon == 0 && (updelay > 0 || downdelay > 0)) {
            notes.add("updelay and downdelay apply to MII monitoring only, which is off: they are not set");
        }
        if (miimon == 0 && arpInterval == 0) {
            notes.add("neither miimon nor arpInterval is set: the bond never notices a failed link");
        }
        List<Inet4Address> targets = new ArrayList<>();
        for (String t : b.arpIpTargets == null ? List.<String>of() : b.arpIpTargets) {
            IpAddresses.parse(t).filter(a -> a instanceof Inet4Address).ifPresent(a -> targets.add((Inet4Address) a));
        }
        int failOverMac = macPolicy(b.failOverMac);
        BondOptions options = new BondOptions(BondOptions.ACTIVE_BACKUP, miimon, miimon > 0 ? updelay : 0,
                miimon > 0 ? downdelay : 0, primary, reselect(b.primaryReselect), failOverMac,
                b.numGratArp == null ? 1 : b.numGratArp, arpInterval, targets);
        if (existing.isPresent() && existing.get().bond() != null && existing.get().bond().failOverMac() != failOverMac
                && node.links().stream().anyMatch(l -> l.master() == bondIndex)) {
            problems.add("spec.bond.failOverMac: bond " + name + " has slaves, and the kernel changes fail_over_mac"
                    + " only on a bond without slaves: keep " + macName(existing.get().bond().failOverMac())
                    + ", or remove the bond (ip link del " + name + ") so that it is made anew");
        }

        Set<Integer> slaveIndexes = new HashSet<>(slaves.stream().map(LinkState::index).toList());
        LinkedHashSet<Plan.HostAddress> addresses = new LinkedHashSet<>();
        if (spec.addresses != null && !spec.addresses.isEmpty()) {
            for (String cidr : spec.addresses) {
                int slash = cidr.indexOf('/');
                IpAddresses.parse(cidr.substring(0, slash)).ifPresent(a -> addresses.add(
                        new Plan.HostAddress(a.getAddress(), Integer.parseInt(cidr.substring(slash + 1)))));
            }
        } else {
            for (LinkState s : slaves) {
                for (InstalledAddress a : node.configuredAddresses(s.index())) {
                    addresses.add(new Plan.HostAddress(a.address(), a.prefixLength()));
                }
            }
        }
        byte[] gateway = spec.gateway == null ? null : IpAddresses.parse(spec.gateway).map(InetAddress::getAddress)
                .orElse(null);
        List<Route> routes = new ArrayList<>();
        for (Route r : node.routes()) {
            boolean throughSlave = slaveIndexes.contains(r.outputInterface());
            if (!throughSlave || r.protocol() == Route.PROTOCOL_KERNEL || r.protocol() == Route.PROTOCOL_RA) {
                continue; // the kernel makes the prefix routes of the addresses again on the bond
            }
            if (gateway != null && r.isDefault() && r.destination().length == gateway.length) {
                continue; // spec.gateway replaces the slaves' default route
            }
            routes.add(r.onInterface(0));
        }
        if (gateway != null) {
            int metric = node.defaultRoutes().stream().filter(r -> slaveIndexes.contains(r.outputInterface()))
                    .mapToInt(Route::metric).min().orElse(0);
            routes.addFirst(Route.defaultVia(gateway, 0, metric, Route.TANDEM_PROTOCOL));
        }
        byte[] probed = gateway;
        if (probed == null) {
            probed = routes.stream().filter(r -> r.isDefault() && r.isIpv4() && r.gateway() != null).findFirst()
                    .or(() -> node.defaultRoutes().stream()
                            .filter(r -> r.outputInterface() == bondIndex && r.isIpv4() && r.gateway() != null).findFirst())
                    .map(Route::gateway).orElse(null);
        }
        if (rollback.enabled() && rollback.probeGateway() && probed == null) {
            notes.add("no gateway to probe: spec.gateway is empty and no default route goes through the slaves");
        }
        onlyRoute(node, slaveIndexes, rollback, probed != null, "slave", problems);
        return new Plan.Bond(name, b.slaves, options, List.copyOf(addresses), routes, probed, rollback, notes);
    }

    private static Plan.Routed routed(RoutedSpec r, NodeNetwork node, Plan.Rollback rollback, List<String> problems) {
        List<Plan.Uplink> uplinks = new ArrayList<>();
        Set<Integer> indexes = new HashSet<>();
        Set<Integer> metrics = new HashSet<>();
        for (int i = 0; i < r.uplinks.size(); i++) {
            UplinkSpec u = r.uplinks.get(i);
            String at = "spec.routed.uplinks[" + i + "]";
            int metric = u.metric != null ? u.metric : 100 + 10 * i;
            if (!metrics.add(metric)) {
                problems.add(at + ".metric: " + metric + " is the metric of another uplink; each needs its own so"
                        + " that the kernel keeps both default routes");
            }
            InetAddress gateway = IpAddresses.parse(u.gateway).orElseThrow();
            if (!(gateway instanceof Inet4Address)) {
                problems.add(at + ".gateway: " + u.gateway + " is IPv6; this build's routed mode handles IPv4"
                        + " uplinks only");
                continue;
            }
            Optional<LinkState> link = node.link(u.interfaceName);
            if (link.isEmpty()) {
                problems.add(unknown(at + ".interface", u.interfaceName, node));
                continue;
            }
            if (link.get().master() != 0) {
                problems.add(at + ".interface: " + u.interfaceName + " is enslaved to "
                        + node.name(link.get().master()) + "; an uplink must carry its own addresses and routes");
            }
            if (node.configuredAddresses(link.get().index()).stream()
                    .noneMatch(a -> !a.isIpv6() && sameSubnet(a.address(), gateway.getAddress(), a.prefixLength()))) {
                problems.add(at + ".gateway: " + u.gateway + " is in no subnet of " + u.interfaceName
                        + "'s IPv4 addresses, so no route can go through it");
            }
            indexes.add(link.get().index());
            uplinks.add(new Plan.Uplink(u.interfaceName, gateway.getAddress(), metric));
        }
        int activeMetric = Math.max(0, metrics.stream().mapToInt(Integer::intValue).min().orElse(1) - 1);
        List<Route> replaced = new ArrayList<>();
        for (Route route : node.defaultRoutes()) {
            if (!route.isIpv4()) {
                continue;
            }
            if (indexes.contains(route.outputInterface())) {
                replaced.add(route);
            } else if (route.metric() == activeMetric || metrics.contains(route.metric())) {
                problems.add("spec.routed.uplinks: the node has \"" + node.describe(route) + "\" at a metric routed"
                        + " mode needs (" + activeMetric + " for the active uplink, " + metrics + " for standby ones);"
                        + " tandem would replace it: give the uplinks other metrics");
            }
        }
        ProbeSpec p = r.probe == null ? new ProbeSpec() : r.probe;
        Duration interval = Durations.orDefault(p.interval, "100ms");
        Duration timeout = p.timeout == null ? interval : Durations.orDefault(p.timeout, "100ms");
        Plan.Probing probing = new Plan.Probing(p.method == null ? ProbeSpec.Method.arp : p.method, interval, timeout,
                p.rise == null ? 3 : p.rise, p.fall == null ? 2 : p.fall);
        onlyRoute(node, indexes, rollback, true, "uplink", problems);
        return new Plan.Routed(uplinks, activeMetric, probing, replaced, rollback, List.of());
    }

    /**
     * Refuses a change through the interfaces that carry every default route of the node when nothing would be checked
     * after it: a mistake would cut the node off, with no probe to notice and no rollback to undo it.
     */
    private static void onlyRoute(NodeNetwork node, Set<Integer> changed, Plan.Rollback rollback, boolean gatewayKnown,
                                  String role, List<String> problems) {
        List<Route> defaults = node.defaultRoutes().stream().filter(Route::isIpv4).toList();
        if (defaults.isEmpty() || !defaults.stream().allMatch(d -> changed.contains(d.outputInterface()))) {
            return;
        }
        if (rollback.probesSomething(gatewayKnown)) {
            return;
        }
        String why = !rollback.enabled() ? "spec.rollback.enabled is false"
                : "spec.rollback probes nothing here (" + (rollback.probeGateway() ? "no gateway is known"
                : "probeGateway is false") + (rollback.probeApiServer() ? "" : ", and no API server to probe") + ")";
        problems.add("spec.rollback: the " + role + " " + node.name(defaults.getFirst().outputInterface())
                + " holds the node's only default route (" + node.describe(defaults.getFirst()) + ") and " + why
                + ": a mistake would cut the node off with nothing to undo it; enable rollback with probeGateway");
    }

    private static String unknown(String field, String name, NodeNetwork node) {
        return field + ": interface " + name + " does not exist on this node (it has " + String.join(", ", node.names())
                + ")";
    }

    static boolean sameSubnet(byte[] a, byte[] b, int prefixLength) {
        if (a.length != b.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    static int reselect(BondSpec.PrimaryReselect r) {
        return r == null ? BondOptions.RESELECT_ALWAYS : switch (r) {
            case always -> BondOptions.RESELECT_ALWAYS;
            case better -> BondOptions.RESELECT_BETTER;
            case failure -> BondOptions.RESELECT_FAILURE;
        };
    }

    static int macPolicy(BondSpec.FailOverMac m) {
        return m == null ? BondOptions.MAC_NONE : switch (m) {
            case none -> BondOptions.MAC_NONE;
            case active -> BondOptions.MAC_ACTIVE;
            case follow -> BondOptions.MAC_FOLLOW;
        };
    }

    static String macName(int policy) {
        return switch (policy) {
            case BondOptions.MAC_ACTIVE -> "active";
            case BondOptions.MAC_FOLLOW -> "follow";
            default -> "none";
        };
    }
}
