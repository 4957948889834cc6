package dev.tandem.validation;

import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.TransportSpec;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Checks a FailoverPair spec against every rule of its schema, without a cluster. */
public final class FailoverPairValidator {
    private FailoverPairValidator() {
    }

    public static List<SpecProblem> validate(FailoverPairSpec spec) {
        Problems p = new Problems();
        if (spec == null) {
            p.add("spec", "is required");
            return p.list();
        }
        members(p, spec.members);
        p.range("spec.virtualRouterId", spec.virtualRouterId, 1, 255);
        if (p.pattern("spec.advertInterval", spec.advertInterval, FailoverPairSpec.ADVERT_INTERVAL_PATTERN,
                "a whole number of milliseconds (100ms) or seconds with at most two decimals (0.05s)")) {
            p.duration("spec.advertInterval", spec.advertInterval, FailoverPairSpec.DEFAULT_ADVERT_INTERVAL,
                    Duration.ofMillis(10), Duration.ofMillis(40_950)).ifPresent(d -> {
                if (d.toMillis() % 10 != 0) {
                    p.add("spec.advertInterval", "must be a whole number of centiseconds (steps of 10ms), got "
                            + spec.advertInterval);
                }
            });
        }
        p.duration("spec.preemptDelay", spec.preemptDelay, FailoverPairSpec.DEFAULT_PREEMPT_DELAY, Duration.ZERO,
                Duration.ofHours(1));
        p.interfaceName("spec.interface", spec.interfaceName);
        transport(p, spec.transport);
        healthChecks(p, spec.healthChecks);
        return p.list();
    }

    private static void members(Problems p, List<MemberSpec> members) {
        if (!p.required("spec.members", members)) {
            return;
        }
        p.size("spec.members", members, 2, 8);
        Set<String> nodes = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            MemberSpec m = members.get(i);
            String at = "spec.members[" + i + "]";
            if (m == null) {
                p.add(at, "is empty");
                continue;
            }
            if (p.required(at + ".node", m.node)) {
                p.name(at + ".node", m.node);
                if (!nodes.add(m.node)) {
                    p.add(at + ".node", "node \"" + m.node + "\" is listed twice; members must name distinct nodes");
                }
            }
            p.range(at + ".priority", m.priority, 1, 254);
            p.ip(at + ".address", m.address);
            p.interfaceName(at + ".interface", m.interfaceName);
        }
    }

    private static void transport(Problems p, TransportSpec t) {
        if (t == null) {
            return;
        }
        if (t.udp != null && t.type != TransportSpec.Type.udp) {
            p.add("spec.transport.udp", "is only allowed with type udp, not " + (t.type == null ? "the default vrrp" : t.type));
        }
        if (t.udp != null) {
            p.range("spec.transport.udp.port", t.udp.port, 1, 65535);
            if (t.udp.authSecretRef != null && p.required("spec.transport.udp.authSecretRef.name", t.udp.authSecretRef.name)) {
                p.name("spec.transport.udp.authSecretRef.name", t.udp.authSecretRef.name);
            }
        }
    }

    private static void healthChecks(Problems p, List<HealthCheckSpec> checks) {
        if (checks == null) {
            return;
        }
        p.size("spec.healthChecks", checks, 0, 16);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < checks.size(); i++) {
            HealthCheckSpec c = checks.get(i);
            String at = "spec.healthChecks[" + i + "]";
            if (c == null) {
                p.add(at, "is empty");
                continue;
            }
            if (p.required(at + ".name", c.name)) {
                p.pattern(at + ".name", c.name, "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
                        "a lower-case name of letters, digits and '-'");
                if (!names.add(c.name)) {
                    p.add(at + ".name", "\"" + c.name + "\" is used twice; health check names must be unique");
                }
            }
            int kinds = (c.exec != null ? 1 : 0) + (c.tcp != null ? 1 : 0) + (c.http != null ? 1 : 0);
            if (kinds != 1) {
                p.add(at, "needs exactly one of exec, tcp or http, got " + kinds);
            }
            if (c.exec != null && p.required(at + ".exec.command", c.exec.command)) {
                p.size(at + ".exec.command", c.exec.command, 1, 32);
                if (c.exec.command.getFirst() == null || c.exec.command.getFirst().isBlank()) {
                    p.add(at + ".exec.command[0]", "must name a program");
                }
            }
            if (c.tcp != null && p.required(at + ".tcp.port", c.tcp.port)) {
                p.range(at + ".tcp.port", c.tcp.port, 1, 65535);
            }
            if (c.http != null && p.required(at + ".http.url", c.http.url)) {
                p.pattern(at + ".http.url", c.http.url, "^https?://[^\\s/]+(/\\S*)?$", "an http:// or https:// URL");
                if (c.http.expectStatus != null) {
                    for (int j = 0; j < c.http.expectStatus.size(); j++) {
                        p.range(at + ".http.expectStatus[" + j + "]", c.http.expectStatus.get(j), 100, 599);
                    }
                }
            }
            Optional<Duration> interval = p.duration(at + ".interval", c.interval, "2s", Duration.ofMillis(100),
                    Duration.ofHours(1));
            Optional<Duration> timeout = p.duration(at + ".timeout", c.timeout, null, Duration.ofMillis(10),
                    Duration.ofHours(1));
            if (interval.isPresent() && timeout.isPresent() && timeout.get().compareTo(interval.get()) > 0) {
                p.add(at + ".timeout", Durations.format(timeout.get()) + " must not exceed the interval ("
                        + Durations.format(interval.get()) + ")");
            }
            p.range(at + ".rise", c.rise, 1, 100);
            p.range(at + ".fall", c.fall, 1, 100);
            p.range(at + ".weight", c.weight, 1, 253);
        }
    }
}
