package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.ProbeSpec;
import dev.tandem.net.BondOptions;
import dev.tandem.net.Route;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** What a HostBond asks of this node, resolved against its network: a bond or routed uplinks. */
public sealed interface Plan {
    /** How the change is checked and undone. */
    Rollback rollback();

    /** Things worth saying about the plan that are no error (an option that does not apply), in words. */
    List<String> notes();

    /**
     * @param enabled        record and restore at all
     * @param timeout        how long the probes may take to succeed
     * @param probeGateway   the gateway must answer
     * @param probeApiServer the Kubernetes API server must answer (Kubernetes mode only; false otherwise)
     */
    record Rollback(boolean enabled, Duration timeout, boolean probeGateway, boolean probeApiServer) {
        /** Whether anything is checked after the change. */
        public boolean probesSomething(boolean gatewayKnown) {
            return enabled && (probeGateway && gatewayKnown || probeApiServer);
        }
    }

    /** An address with its prefix length. */
    record HostAddress(byte[] address, int prefixLength) {
        public HostAddress {
            address = address.clone();
        }

        @Override
        public byte[] address() {
            return address.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HostAddress h && prefixLength == h.prefixLength && Arrays.equals(address, h.address);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(address) * 31 + prefixLength;
        }
    }

    /**
     * An active-backup bond.
     *
     * @param name      the bond interface
     * @param slaves    enslaved in this order
     * @param options   the bond's options, primary resolved to its interface index
     * @param addresses what the bond gets (moved from the slaves, or spec.addresses)
     * @param routes    routes to put on the bond (output interface 0: the bond's index is known only once it exists)
     * @param gateway   the gateway the rollback probes, null when none is known
     */
    record Bond(String name, List<String> slaves, BondOptions options, List<HostAddress> addresses, List<Route> routes,
                byte[] gateway, Rollback rollback, List<String> notes) implements Plan {
        public Bond {
            slaves = List.copyOf(slaves);
            addresses = List.copyOf(addresses);
            routes = List.copyOf(routes);
            notes = List.copyOf(notes);
        }
    }

    /** One uplink of routed mode. */
    record Uplink(String name, byte[] gateway, int standbyMetric) {
        public Uplink {
            gateway = gateway.clone();
        }

        @Override
        public byte[] gateway() {
            return gateway.clone();
        }
    }

    /** How routed mode probes each uplink's gateway. */
    record Probing(ProbeSpec.Method method, Duration interval, Duration timeout, int rise, int fall) {
    }

    /**
     * Routed uplinks: each keeps its own default route at its standby metric; the one traffic uses has its route at
     * {@code activeMetric}, below every standby metric.
     *
     * @param uplinks       in order of preference
     * @param replaced      default routes through the uplinks that the node had and tandem's routes replace
     */
    record Routed(List<Uplink> uplinks, int activeMetric, Probing probing, List<Route> replaced, Rollback rollback,
                  List<String> notes) implements Plan {
        public Routed {
            uplinks = List.copyOf(uplinks);
            replaced = List.copyOf(replaced);
            notes = List.copyOf(notes);
        }
    }
}
