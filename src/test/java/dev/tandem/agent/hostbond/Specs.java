package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.BondSpec;
import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.ProbeSpec;
import dev.tandem.api.v1alpha1.RollbackSpec;
import dev.tandem.api.v1alpha1.RoutedSpec;
import dev.tandem.api.v1alpha1.UplinkSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** HostBond specs for tests: seed 001's wired and wireless bond, and seed 000's two uplinks made routed. */
final class Specs {
    private Specs() {
    }

    static HostBondSpec bond(String... slaves) {
        HostBondSpec s = new HostBondSpec();
        s.nodeSelector = Map.of("tandem.dev/uplinks", "wired-wireless");
        s.mode = HostBondSpec.Mode.bond;
        s.bond = new BondSpec();
        s.bond.slaves = new ArrayList<>(List.of(slaves));
        s.bond.primary = slaves[0];
        s.bond.miimon = 100;
        s.bond.updelay = 200;
        s.bond.downdelay = 200;
        s.bond.failOverMac = BondSpec.FailOverMac.active;
        s.rollback = new RollbackSpec();
        s.rollback.timeout = "5s";
        return s;
    }

    static HostBondSpec routed(String... interfacesAndGateways) {
        HostBondSpec s = new HostBondSpec();
        s.nodeSelector = Map.of("tandem.dev/uplinks", "two");
        s.mode = HostBondSpec.Mode.routed;
        s.routed = new RoutedSpec();
        for (int i = 0; i < interfacesAndGateways.length; i += 2) {
            UplinkSpec u = new UplinkSpec();
            u.interfaceName = interfacesAndGateways[i];
            u.gateway = interfacesAndGateways[i + 1];
            s.routed.uplinks.add(u);
        }
        s.routed.probe = new ProbeSpec();
        s.routed.probe.interval = "100ms";
        s.rollback = new RollbackSpec();
        s.rollback.timeout = "5s";
        return s;
    }
}
