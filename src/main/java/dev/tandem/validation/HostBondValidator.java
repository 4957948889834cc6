package dev.tandem.validation;

import dev.tandem.api.v1alpha1.BondSpec;
import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.ProbeSpec;
import dev.tandem.api.v1alpha1.RollbackSpec;
import dev.tandem.api.v1alpha1.RoutedSpec;
import dev.tandem.api.v1alpha1.UplinkSpec;
import io.fabric8.kubernetes.api.model.IntOrString;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks a HostBond spec against every rule of its schema, without a cluster. */
public final class HostBondValidator {
    private static final Pattern LABEL_KEY =
            Pattern.compile("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");
    private static final Pattern LABEL_VALUE = Pattern.compile("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$");
    /** The same rule as the schema's CEL: 1% to 100%, no leading zero. */
    private static final Pattern PERCENT = Pattern.compile("^([1-9][0-9]?|100)%$");

    private HostBondValidator() {
    }

    public static List<SpecProblem> validate(HostBondSpec spec) {
        Problems p = new Problems();
        if (spec == null) {
            p.add("spec", "is required");
            return p.list();
        }
        if (p.required("spec.nodeSelector", spec.nodeSelector)) {
            for (Map.Entry<String, String> e : spec.nodeSelector.entrySet()) {
                if (!LABEL_KEY.matcher(e.getKey()).matches()) {
                    p.add("spec.nodeSelector", "\"" + e.getKey() + "\" is not a valid label key");
                }
                if (e.getValue() == null || !LABEL_VALUE.matcher(e.getValue()).matches()) {
                    p.add("spec.nodeSelector." + e.getKey(), "\"" + e.getValue() + "\" is not a valid label value");
                }
            }
        }
        if (p.required("spec.mode", spec.mode)) {
            if (spec.mode == HostBondSpec.Mode.bond && spec.bond == null) p.add("spec.bond", "is required in mode bond");
            if (spec.mode == HostBondSpec.Mode.bond && spec.routed != null) p.add("spec.routed", "is not allowed in mode bond");
            if (spec.mode == HostBondSpec.Mode.routed && spec.routed == null) p.add("spec.routed", "is required in mode routed");
            if (spec.mode == HostBondSpec.Mode.routed && spec.bond != null) p.add("spec.bond", "is not allowed in mode routed");
        }
        if (spec.bond != null) bond(p, spec.bond);
        if (spec.routed != null) routed(p, spec.routed);
        if (spec.addresses != null) {
            p.size("spec.addresses", spec.addresses, 0, 16);
            for (int i = 0; i < spec.addresses.size(); i++) {
                cidr(p, "spec.addresses[" + i + "]", spec.addresses.get(i));
            }
        }
        p.ip("spec.gateway", spec.gateway);
        rollback(p, spec.rollback);
        maxUnavailable(p, spec.maxUnavailable);
        return p.list();
    }

    private static void bond(Problems p, BondSpec b) {
        String at = "spec.bond";
        p.interfaceName(at + ".name", b.name);
        if (p.required(at + ".slaves", b.slaves)) {
            p.size(at + ".slaves", b.slaves, 2, 8);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < b.slaves.size(); i++) {
                p.interfaceName(at + ".slaves[" + i + "]", b.slaves.get(i));
                if (!seen.add(b.slaves.get(i))) {
                    p.add(at + ".slaves[" + i + "]", "\"" + b.slaves.get(i) + "\" is listed twice");
                }
                if (b.slaves.get(i) != null && b.slaves.get(i).equals(b.name == null ? "bond0" : b.name)) {
                    p.add(at + ".slaves[" + i + "]", "a bond cannot enslave itself");
                }
            }
            if (b.primary != null && !b.slaves.contains(b.primary)) {
                p.add(at + ".primary", "\"" + b.primary + "\" must be one of bond.slaves " + b.slaves);
            }
        }
        p.range(at + ".miimon", b.miimon, 0, 60_000);
        p.range(at + ".updelay", b.updelay, 0, 600_000);
        p.range(at + ".downdelay", b.downdelay, 0, 600_000);
        int miimon = b.miimon == null ? 100 : b.miimon;
        if (miimon > 0) {
            // The kernel silently rounds these down to a multiple of miimon (bonding.rst); refuse instead of surprising.
            if (b.updelay != null && b.updelay % miimon != 0) {
                p.add(at + ".updelay", b.updelay + " is not a multiple of miimon (" + miimon + ")");
            }
            if (b.downdelay != null && b.downdelay % miimon != 0) {
                p.add(at + ".downdelay", b.downdelay + " is not a multiple of miimon (" + miimon + ")");
            }
        }
        p.range(at + ".arpInterval", b.arpInterval, 0, 60_000);
        if (b.arpInterval != null && b.arpInterval > 0 && (b.arpIpTargets == null || b.arpIpTargets.isEmpty())) {
            p.add(at + ".arpIpTargets", "needs at least one address when arpInterval is set (" + b.arpInterval + ")");
        }
        if (b.arpIpTargets != null) {
            p.size(at + ".arpIpTargets", b.arpIpTargets, 0, 16);
            for (int i = 0; i < b.arpIpTargets.size(); i++) {
                String f = at + ".arpIpTargets[" + i + "]";
                String target = b.arpIpTargets.get(i);
                p.ip(f, target).filter(a -> !(a instanceof Inet4Address))
                        .ifPresent(a -> p.add(f, target + " is IPv6; ARP monitoring probes IPv4 addresses only"));
            }
        }
        p.range(at + ".numGratArp", b.numGratArp, 0, 255);
    }

    private static void routed(Problems p, RoutedSpec r) {
        String at = "spec.routed";
        if (p.required(at + ".uplinks", r.uplinks)) {
            p.size(at + ".uplinks", r.uplinks, 2, 8);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < r.uplinks.size(); i++) {
                UplinkSpec u = r.uplinks.get(i);
                String uat = at + ".uplinks[" + i + "]";
                if (u == null) {
                    p.add(uat, "is empty");
                    continue;
                }
                if (p.required(uat + ".interface", u.interfaceName)) {
                    p.interfaceName(uat + ".interface", u.interfaceName);
                    if (!seen.add(u.interfaceName)) {
                        p.add(uat + ".interface", "\"" + u.interfaceName + "\" is listed twice");
                    }
                }
                if (p.required(uat + ".gateway", u.gateway)) {
                    p.ip(uat + ".gateway", u.gateway);
                }
                p.range(uat + ".metric", u.metric, 1, 65535);
            }
        }
        ProbeSpec probe = r.probe;
        if (probe != null) {
            Optional<Duration> interval = p.duration(at + ".probe.interval", probe.interval, "100ms",
                    Duration.ofMillis(10), Duration.ofMinutes(1));
            Optional<Duration> timeout = p.duration(at + ".probe.timeout", probe.timeout, null,
                    Duration.ofMillis(1), Duration.ofMinutes(1));
            if (interval.isPresent() && timeout.isPresent() && timeout.get().compareTo(interval.get()) > 0) {
                p.add(at + ".probe.timeout", "must not exceed probe.interval (" + Durations.format(interval.get()) + ")");
            }
            p.range(at + ".probe.rise", probe.rise, 1, 100);
            p.range(at + ".probe.fall", probe.fall, 1, 100);
        }
    }

    private static void rollback(Problems p, RollbackSpec r) {
        if (r == null) {
            return;
        }
        p.duration("spec.rollback.timeout", r.timeout, "30s", Duration.ofSeconds(5), Duration.ofMinutes(10));
        if (!Boolean.FALSE.equals(r.enabled) && Boolean.FALSE.equals(r.probeGateway)
                && Boolean.FALSE.equals(r.probeApiServer)) {
            p.add("spec.rollback", "is enabled but probes nothing; enable probeGateway or probeApiServer");
        }
    }

    private static void maxUnavailable(Problems p, IntOrString value) {
        if (value == null) {
            return;
        }
        if (value.getIntVal() != null) {
            p.range("spec.maxUnavailable", value.getIntVal(), 1, Integer.MAX_VALUE);
            return;
        }
        Matcher m = PERCENT.matcher(value.getStrVal() == null ? "" : value.getStrVal());
        if (!m.matches()) {
            p.add("spec.maxUnavailable", "\"" + value.getStrVal() + "\" is neither a number of nodes nor a percentage 1%-100%");
        }
    }

    private static void cidr(Problems p, String field, String value) {
        int slash = value == null ? -1 : value.indexOf('/');
        if (slash < 0) {
            p.add(field, "\"" + value + "\" is not an address with prefix length, such as 192.0.2.10/24");
            return;
        }
        p.ip(field, value.substring(0, slash)).ifPresent(a -> {
            String len = value.substring(slash + 1);
            // As the schema's pattern: no leading zeros.
            if (!len.matches("^(0|[1-9][0-9]{0,2})$") || Integer.parseInt(len) > IpAddresses.maxPrefixLength(a)) {
                p.add(field, "\"" + len + "\" is not a valid prefix length for " + value.substring(0, slash));
            }
        });
    }
}
