package dev.tandem.agent;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.provider.Providers;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.FloatingIp;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.api.v1alpha1.LayerTwoSpec;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.api.v1alpha1.TransportSpec;
import dev.tandem.api.v1alpha1.UdpTransportSpec;
import dev.tandem.validation.Durations;
import dev.tandem.validation.FailoverPairValidator;
import dev.tandem.validation.FloatingIpValidator;
import dev.tandem.validation.IpAddresses;
import dev.tandem.validation.SpecProblem;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one node's agent needs to know about one pair, resolved from the resources: who it is, who its peers are,
 * the election settings and the addresses it must hold while it is MASTER. Built the same way in Kubernetes mode
 * (addresses from the pair's status) and standalone mode (addresses from the spec).
 */
public record PairPlan(
        String namespace,
        String pair,
        String node,
        int priority,
        String selfAddress,
        List<Peer> peers,
        String interfaceName,
        int virtualRouterId,
        int advertIntervalCentis,
        boolean preempt,
        Duration preemptDelay,
        TransportSpec.Type transport,
        boolean multicast,
        List<HealthCheckSpec> healthChecks,
        List<Layer2Address> addresses,
        List<CloudAddress> cloudAddresses,
        Udp udp) {

    /**
     * The udp transport's settings; null for the vrrp transport. Names only: the keys are read by an
     * {@link dev.tandem.agent.election.AuthKeySource} and never travel in a plan (plans are compared and logged).
     *
     * @param secretName the Secret (standalone: the directory under --credentials-dir) that holds the keys
     * @param keyName    the key of the current key in it; the previous key, during a rotation, is
     *                   {@link UdpTransportSpec#previousKeyName(String)}
     */
    public record Udp(int port, String secretName, String keyName) {
        public String previousKeyName() {
            return UdpTransportSpec.previousKeyName(keyName);
        }
    }

    public record Peer(String node, String address) {
    }

    /** A floating address this member installs while MASTER and announces. */
    public record Layer2Address(String floatingIp, String address, int prefixLength, String interfaceName,
                                int announceCount, Duration announceInterval, Duration announceRefresh) {
        public boolean isV4() {
            return IpAddresses.parse(address).map(a -> a instanceof Inet4Address).orElse(false);
        }
    }

    /**
     * A floating address that a cloud provider moves: the member that becomes MASTER assigns it to its own machine
     * through the provider's API ({@link dev.tandem.agent.cloud.CloudMover}). With {@code configureOnHost} it is also
     * among {@link #addresses()}, with no announcements, because the provider routes it but the host must own it.
     *
     * @param spec the FloatingIp's spec, validated
     */
    public record CloudAddress(String floatingIp, String address, String provider, FloatingIpSpec spec) {
    }

    /** The names of the FloatingIps this member holds while MASTER and nothing is pending: the layer-2 ones. */
    public List<String> layer2FloatingIps() {
        java.util.Set<String> cloud = new java.util.HashSet<>();
        cloudAddresses.forEach(c -> cloud.add(c.floatingIp()));
        return addresses.stream().map(Layer2Address::floatingIp).filter(n -> !cloud.contains(n)).toList();
    }

    /** Thrown when the resources do not give this node a usable plan; the message names every problem. */
    public static final class PlanException extends RuntimeException {
        private final List<String> problems;

        public PlanException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * @param addresses each member's peer address by node: the pair's status.memberAddresses in Kubernetes mode, the
     *                  members' spec addresses in standalone mode
     * @param routerId  the router id in use: spec or status
     */
    public static PairPlan of(FailoverPair pair, List<FloatingIp> floatingIps, String node,
                              Map<String, String> addresses, Integer routerId) {
        List<String> problems = new ArrayList<>();
        String name = pair.getMetadata().getName();
        for (SpecProblem p : FailoverPairValidator.validate(pair.getSpec())) {
            problems.add("FailoverPair " + name + ": " + p);
        }
        if (!problems.isEmpty()) {
            throw new PlanException(problems);
        }
        FailoverPairSpec spec = pair.getSpec();
        MemberSpec self = spec.members.stream().filter(m -> node.equals(m.node)).findFirst().orElse(null);
        if (self == null) {
            throw new PlanException(List.of("node " + node + " is not a member of FailoverPair " + name + " (members: "
                    + String.join(", ", spec.members.stream().map(m -> m.node).toList()) + ")"));
        }
        String selfAddress = self.address != null ? self.address : addresses.get(node);
        if (selfAddress == null) {
            problems.add("no address for this node " + node + ": set spec.members[].address");
        }
        List<Peer> peers = new ArrayList<>();
        for (MemberSpec m : spec.members) {
            if (m.node.equals(node)) {
                continue;
            }
            String a = m.address != null ? m.address : addresses.get(m.node);
            if (a == null) {
                problems.add("no address for member " + m.node + ": set spec.members[].address or wait for the operator");
            } else {
                peers.add(new Peer(m.node, a));
            }
        }
        if (routerId == null) {
            problems.add("FailoverPair " + name + " has no virtual router id yet: set spec.virtualRouterId (standalone)"
                    + " or wait for the operator to allocate one");
        }
        String iface = self.interfaceName != null ? self.interfaceName : spec.interfaceName;

        List<Layer2Address> l2 = new ArrayList<>();
        List<CloudAddress> cloud = new ArrayList<>();
        for (FloatingIp fip : floatingIps) {
            if (fip.getSpec() == null || fip.getSpec().failoverPairRef == null
                    || !name.equals(fip.getSpec().failoverPairRef.name)) {
                continue;
            }
            List<SpecProblem> fipProblems = FloatingIpValidator.validate(fip.getSpec());
            if (!fipProblems.isEmpty()) {
                fipProblems.forEach(p -> problems.add("FloatingIp " + fip.getMetadata().getName() + ": " + p));
                continue;
            }
            LayerTwoSpec layer2 = fip.getSpec().provider.layer2;
            InetAddress a = IpAddresses.parse(fip.getSpec().address).orElseThrow();
            if (layer2 == null) {
                String provider = Providers.cloudName(fip.getSpec().provider).orElseThrow();
                cloud.add(new CloudAddress(fip.getMetadata().getName(), fip.getSpec().address, provider, fip.getSpec()));
                if (Boolean.TRUE.equals(fip.getSpec().configureOnHost)) {
                    // The provider routes the address to this machine; the host must own it, unannounced.
                    l2.add(new Layer2Address(fip.getMetadata().getName(), fip.getSpec().address,
                            IpAddresses.maxPrefixLength(a), iface, 0, Duration.ZERO, null));
                }
                continue;
            }
            String fipIface = layer2.interfaceName != null ? layer2.interfaceName : iface;
            l2.add(new Layer2Address(fip.getMetadata().getName(), fip.getSpec().address,
                    layer2.prefixLength != null ? layer2.prefixLength : IpAddresses.maxPrefixLength(a), fipIface,
                    layer2.announceCount != null ? layer2.announceCount : 5,
                    Durations.orDefault(layer2.announceInterval, "100ms"),
                    layer2.announceRefresh == null ? null : Durations.orDefault(layer2.announceRefresh, null)));
        }
        if (!problems.isEmpty()) {
            throw new PlanException(problems);
        }
        TransportSpec t = spec.transport;
        Udp udp = null;
        if (t != null && t.type == TransportSpec.Type.udp) {
            UdpTransportSpec u = t.udp;
            SecretKeyRef ref = u == null ? null : u.authSecretRef;
            String secret = ref != null ? ref.name
                    : pair.getStatus() == null ? null : pair.getStatus().authSecretName;
            if (secret == null) {
                throw new PlanException(List.of("FailoverPair " + name + " uses transport udp but no key Secret is known"
                        + " yet: set spec.transport.udp.authSecretRef (standalone mode: its name is the directory under"
                        + " --credentials-dir) or wait for the operator to create one (status.authSecretName)"));
            }
            udp = new Udp(u == null || u.port == null ? UdpTransportSpec.DEFAULT_PORT : u.port, secret,
                    ref == null || ref.key == null ? UdpTransportSpec.DEFAULT_KEY : ref.key);
        }
        long intervalMs = Durations.orDefault(spec.advertInterval, FailoverPairSpec.DEFAULT_ADVERT_INTERVAL).toMillis();
        return new PairPlan(
                pair.getMetadata().getNamespace(), name, node,
                Objects.requireNonNullElse(self.priority, MemberSpec.DEFAULT_PRIORITY),
                selfAddress, List.copyOf(peers), iface, routerId, (int) (intervalMs / 10),
                !Boolean.FALSE.equals(spec.preempt),
                Durations.orDefault(spec.preemptDelay, FailoverPairSpec.DEFAULT_PREEMPT_DELAY),
                t == null || t.type == null ? TransportSpec.Type.vrrp : t.type,
                udp == null && t != null && t.peering == TransportSpec.Peering.multicast,
                spec.healthChecks == null ? List.of() : List.copyOf(spec.healthChecks),
                List.copyOf(l2), List.copyOf(cloud), udp);
    }
}
