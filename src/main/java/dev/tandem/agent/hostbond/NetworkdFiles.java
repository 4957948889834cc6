package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.BondSpec;
import dev.tandem.api.v1alpha1.HostBond;
import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.UplinkSpec;
import dev.tandem.validation.HostBondValidator;
import dev.tandem.validation.SpecProblem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A HostBond as systemd-networkd files (systemd.netdev(5), systemd.network(5)), for hosts whose network the OS should
 * manage instead of the agent: seed 000's {@code 20-bond0.netdev} and its {@code .network} files for the bond and each
 * slave, or one {@code .network} per routed uplink with its default route and metric. What networkd cannot do is said
 * in the files: it has no rollback, and in routed mode it does not probe gateways (a route is left only when its link
 * goes down). Pure.
 */
public final class NetworkdFiles {
    /** The files and what the rendering could not carry over, for the person running it. */
    public record Rendering(Map<String, String> files, List<String> warnings) {
    }

    private NetworkdFiles() {
    }

    /** @throws IllegalArgumentException listing every problem of an invalid spec */
    public static Rendering render(HostBond hostBond) {
        HostBondSpec spec = hostBond.getSpec();
        List<SpecProblem> problems = HostBondValidator.validate(spec);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("HostBond " + hostBond.getMetadata().getName() + " is invalid: "
                    + String.join("; ", problems.stream().map(SpecProblem::toString).toList()));
        }
        String header = "# Rendered by `tandem bond render --format networkd` from HostBond "
                + hostBond.getMetadata().getName() + ".\n";
        return spec.mode == HostBondSpec.Mode.bond ? bond(spec, header) : routed(spec, header);
    }

    private static Rendering bond(HostBondSpec spec, String header) {
        BondSpec b = spec.bond;
        String name = b.name == null ? HostBondPlanner.DEFAULT_BOND : b.name;
        Map<String, String> files = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        int arpInterval = b.arpInterval == null ? 0 : b.arpInterval;
        int miimon = arpInterval > 0 ? 0 : (b.miimon == null ? HostBondPlanner.DEFAULT_MIIMON : b.miimon);
        StringBuilder netdev = new StringBuilder(header)
                .append("[NetDev]\nName=").append(name).append("\nKind=bond\n\n[Bond]\nMode=active-backup\n")
                .append("PrimaryReselectPolicy=").append(b.primaryReselect == null ? "always" : b.primaryReselect)
                .append('\n');
        if (arpInterval > 0) {
            netdev.append("ARPIntervalSec=").append(arpInterval).append("ms\n")
                    .append("ARPIPTargets=").append(String.join(" ", b.arpIpTargets)).append('\n');
        } else {
            netdev.append("MIIMonitorSec=").append(miimon).append("ms\n");
            if (miimon > 0) {
                netdev.append("UpDelaySec=").append(b.updelay == null ? 0 : b.updelay).append("ms\n")
                        .append("DownDelaySec=").append(b.downdelay == null ? 0 : b.downdelay).append("ms\n");
            }
        }
        netdev.append("FailOverMACPolicy=").append(b.failOverMac == null ? "none" : b.failOverMac).append('\n')
                .append("GratuitousARP=").append(b.numGratArp == null ? 1 : b.numGratArp).append('\n');
        files.put("20-" + name + ".netdev", netdev.toString());
        for (String slave : b.slaves) {
            StringBuilder network = new StringBuilder(header)
                    .append("[Match]\nName=").append(slave).append("\n\n[Network]\nBond=").append(name).append('\n');
            if (slave.equals(b.primary)) {
                // The primary is a property of the slave in networkd, not of the bond.
                network.append("PrimarySlave=true\n");
            }
            files.put("30-" + name + "-" + slave + ".network", network.toString());
        }
        StringBuilder master = new StringBuilder(header).append("[Match]\nName=").append(name).append("\n\n[Network]\n");
        if (spec.addresses == null || spec.addresses.isEmpty()) {
            master.append("# spec.addresses is empty: the agent would move the addresses the slaves have at the time;"
                    + " list them here as Address=\n");
            warnings.add("spec.addresses is empty: " + "40-" + name + ".network has no Address=; add the address the"
                    + " slaves have now");
        } else {
            spec.addresses.forEach(a -> master.append("Address=").append(a).append('\n'));
        }
        if (spec.gateway != null) {
            master.append("Gateway=").append(spec.gateway).append('\n');
        } else {
            master.append("# spec.gateway is empty: the agent would keep the current default gateway; add it here as"
                    + " Gateway=\n");
            warnings.add("spec.gateway is empty: 40-" + name + ".network has no Gateway=; add the current default"
                    + " gateway");
        }
        files.put("40-" + name + ".network", master.toString());
        warnings.add("networkd applies these files without tandem's rollback: keep a console at hand when the slaves"
                + " carry the host's only route");
        return new Rendering(files, warnings);
    }

    private static Rendering routed(HostBondSpec spec, String header) {
        Map<String, String> files = new LinkedHashMap<>();
        List<UplinkSpec> uplinks = spec.routed.uplinks;
        for (int i = 0; i < uplinks.size(); i++) {
            UplinkSpec u = uplinks.get(i);
            int metric = u.metric != null ? u.metric : 100 + 10 * i;
            files.put("30-" + u.interfaceName + ".network", header
                    + "# networkd keeps this default route while the link is up; unlike tandem's routed mode it does"
                    + " not probe the gateway,\n# so traffic leaves " + u.interfaceName + " only when its link goes"
                    + " down. Keep the interface's own address settings (Address= or DHCP=) in [Network].\n"
                    + "[Match]\nName=" + u.interfaceName + "\n\n[Network]\n\n[Route]\nGateway=" + u.gateway
                    + "\nMetric=" + metric + "\n");
        }
        return new Rendering(files, List.of("networkd does not probe gateways: traffic moves only when a link goes down"
                + " (what tandem's routed mode adds is the probing)"));
    }
}
