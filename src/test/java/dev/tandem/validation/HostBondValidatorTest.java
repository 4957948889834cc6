package dev.tandem.validation;

import dev.tandem.api.v1alpha1.BondSpec;
import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.ProbeSpec;
import dev.tandem.api.v1alpha1.RollbackSpec;
import dev.tandem.api.v1alpha1.RoutedSpec;
import dev.tandem.api.v1alpha1.UplinkSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class HostBondValidatorTest {

    /** Seed 000/001: a wired and a wireless link in an active-backup bond, wired preferred. */
    static HostBondSpec validBond() {
        HostBondSpec s = new HostBondSpec();
        s.nodeSelector = new LinkedHashMap<>(Map.of("tandem.dev/uplinks", "wired-and-wireless"));
        s.mode = HostBondSpec.Mode.bond;
        s.bond = new BondSpec();
        s.bond.slaves = new ArrayList<>(List.of("eth0", "wlan0"));
        s.bond.primary = "eth0";
        s.bond.miimon = 100;
        s.bond.updelay = 200;
        s.bond.downdelay = 200;
        s.bond.failOverMac = BondSpec.FailOverMac.active;
        s.addresses = new ArrayList<>(List.of("192.168.1.20/24", "2001:db8:1::20/64"));
        s.gateway = "192.168.1.1";
        return s;
    }

    /** Seed 000's first method: two default routes, the agent moves traffic to the healthy one. */
    static HostBondSpec validRouted() {
        HostBondSpec s = new HostBondSpec();
        s.nodeSelector = new LinkedHashMap<>(Map.of("kubernetes.io/hostname", "pi-1"));
        s.mode = HostBondSpec.Mode.routed;
        s.routed = new RoutedSpec();
        s.routed.uplinks.add(uplink("eth0", "192.168.1.1"));
        s.routed.uplinks.add(uplink("wlan0", "192.168.2.1"));
        s.routed.probe = new ProbeSpec();
        s.routed.probe.interval = "200ms";
        s.routed.probe.timeout = "150ms";
        return s;
    }

    static UplinkSpec uplink(String name, String gateway) {
        UplinkSpec u = new UplinkSpec();
        u.interfaceName = name;
        u.gateway = gateway;
        return u;
    }

    static HostBondSpec bondWith(Consumer<HostBondSpec> change) {
        HostBondSpec s = validBond();
        change.accept(s);
        return s;
    }

    static HostBondSpec routedWith(Consumer<HostBondSpec> change) {
        HostBondSpec s = validRouted();
        change.accept(s);
        return s;
    }

    @Test
    void validBondBaselineHasNoProblems() {
        assertThat(HostBondValidator.validate(validBond())).isEmpty();
    }

    @Test
    void validRoutedBaselineHasNoProblems() {
        assertThat(HostBondValidator.validate(validRouted())).isEmpty();
    }

    @Test
    void arpMonitoringWithAnIpv4TargetIsAccepted() {
        assertThat(HostBondValidator.validate(bondWith(s -> {
            s.bond.miimon = 0;
            s.bond.arpInterval = 200;
            s.bond.arpIpTargets = List.of("192.168.1.1");
        }))).isEmpty();
    }

    @Test
    void delaysNeedNotBeMultiplesWhenMiiMonitoringIsOff() {
        assertThat(HostBondValidator.validate(bondWith(s -> {
            s.bond.miimon = 0;
            s.bond.updelay = 150;
        }))).isEmpty();
    }

    @ParameterizedTest(name = "maxUnavailable {0} is accepted")
    @ValueSource(strings = {"1%", "25%", "100%"})
    void percentagesUpToAHundredAreAccepted(String value) {
        assertThat(HostBondValidator.validate(bondWith(s -> s.maxUnavailable = new IntOrString(value)))).isEmpty();
    }

    @Test
    void aNumberOfNodesIsAccepted() {
        assertThat(HostBondValidator.validate(bondWith(s -> s.maxUnavailable = new IntOrString(3)))).isEmpty();
    }

    @Test
    void rollbackWithOneProbeOrDisabledIsAccepted() {
        assertThat(HostBondValidator.validate(bondWith(s -> {
            s.rollback = new RollbackSpec();
            s.rollback.probeGateway = false;
            s.rollback.timeout = "10m";
        }))).isEmpty();
        assertThat(HostBondValidator.validate(bondWith(s -> {
            s.rollback = new RollbackSpec();
            s.rollback.enabled = false;
            s.rollback.probeGateway = false;
            s.rollback.probeApiServer = false;
        }))).isEmpty();
    }

    static Stream<Arguments> brokenBondVariants() {
        return Stream.of(
                arguments("empty nodeSelector", (Consumer<HostBondSpec>) s -> s.nodeSelector.clear(),
                        "spec.nodeSelector", "required"),
                arguments("missing nodeSelector", (Consumer<HostBondSpec>) s -> s.nodeSelector = null,
                        "spec.nodeSelector", "required"),
                arguments("label key with a space", (Consumer<HostBondSpec>) s -> s.nodeSelector.put("uplink kind", "dual"),
                        "spec.nodeSelector", "uplink kind"),
                arguments("label value with a slash", (Consumer<HostBondSpec>) s -> s.nodeSelector.put("uplinks", "a/b"),
                        "spec.nodeSelector.uplinks", "a/b"),
                arguments("missing mode", (Consumer<HostBondSpec>) s -> s.mode = null,
                        "spec.mode", "required"),
                arguments("mode bond without bond block", (Consumer<HostBondSpec>) s -> s.bond = null,
                        "spec.bond", "mode bond"),
                arguments("mode bond with routed block", (Consumer<HostBondSpec>) s -> s.routed = validRouted().routed,
                        "spec.routed", "mode bond"),
                arguments("updelay not a multiple of miimon", (Consumer<HostBondSpec>) s -> s.bond.updelay = 150,
                        "spec.bond.updelay", "150"),
                arguments("downdelay not a multiple of the default miimon", (Consumer<HostBondSpec>) s -> {
                    s.bond.miimon = null;
                    s.bond.downdelay = 250;
                }, "spec.bond.downdelay", "250"),
                arguments("miimon over 60000", (Consumer<HostBondSpec>) s -> {
                    s.bond.miimon = 60_001;
                    s.bond.updelay = 0;
                    s.bond.downdelay = 0;
                }, "spec.bond.miimon", "got 60001"),
                arguments("primary not among slaves", (Consumer<HostBondSpec>) s -> s.bond.primary = "eth1",
                        "spec.bond.primary", "\"eth1\""),
                arguments("one slave", (Consumer<HostBondSpec>) s -> {
                    s.bond.slaves = new ArrayList<>(List.of("eth0"));
                }, "spec.bond.slaves", "got 1"),
                arguments("slave listed twice", (Consumer<HostBondSpec>) s -> s.bond.slaves.add("eth0"),
                        "spec.bond.slaves[2]", "\"eth0\""),
                arguments("slave with a colon", (Consumer<HostBondSpec>) s -> s.bond.slaves.add("eth0:1"),
                        "spec.bond.slaves[2]", "eth0:1"),
                arguments("bond enslaving itself", (Consumer<HostBondSpec>) s -> s.bond.slaves.add("bond0"),
                        "spec.bond.slaves[2]", "itself"),
                arguments("arpInterval without targets", (Consumer<HostBondSpec>) s -> {
                    s.bond.miimon = 0;
                    s.bond.arpInterval = 200;
                }, "spec.bond.arpIpTargets", "arpInterval"),
                arguments("arp target not an address", (Consumer<HostBondSpec>) s -> s.bond.arpIpTargets = List.of("gw.lan"),
                        "spec.bond.arpIpTargets[0]", "gw.lan"),
                arguments("numGratArp 256", (Consumer<HostBondSpec>) s -> s.bond.numGratArp = 256,
                        "spec.bond.numGratArp", "got 256"),
                arguments("address without prefix", (Consumer<HostBondSpec>) s -> s.addresses.set(0, "192.168.1.20"),
                        "spec.addresses[0]", "192.168.1.20"),
                arguments("address with prefix 33", (Consumer<HostBondSpec>) s -> s.addresses.set(0, "192.168.1.20/33"),
                        "spec.addresses[0]", "33"),
                arguments("gateway a host name", (Consumer<HostBondSpec>) s -> s.gateway = "router.lan",
                        "spec.gateway", "router.lan"),
                arguments("maxUnavailable 0%", (Consumer<HostBondSpec>) s -> s.maxUnavailable = new IntOrString("0%"),
                        "spec.maxUnavailable", "0%"),
                arguments("maxUnavailable 150%", (Consumer<HostBondSpec>) s -> s.maxUnavailable = new IntOrString("150%"),
                        "spec.maxUnavailable", "150%"),
                arguments("maxUnavailable 0", (Consumer<HostBondSpec>) s -> s.maxUnavailable = new IntOrString(0),
                        "spec.maxUnavailable", "got 0"),
                arguments("maxUnavailable a word", (Consumer<HostBondSpec>) s -> s.maxUnavailable = new IntOrString("half"),
                        "spec.maxUnavailable", "half"),
                arguments("rollback enabled with both probes off", (Consumer<HostBondSpec>) s -> {
                    s.rollback = new RollbackSpec();
                    s.rollback.probeGateway = false;
                    s.rollback.probeApiServer = false;
                }, "spec.rollback", "probeGateway"),
                arguments("rollback timeout 1s", (Consumer<HostBondSpec>) s -> {
                    s.rollback = new RollbackSpec();
                    s.rollback.timeout = "1s";
                }, "spec.rollback.timeout", "1s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenBondVariants")
    void eachBrokenBondRuleIsReportedAtItsFieldNamingTheValue(String variant, Consumer<HostBondSpec> change, String field,
                                                             String named) {
        List<SpecProblem> problems = HostBondValidator.validate(bondWith(change));

        assertThat(problems).extracting(SpecProblem::field).containsExactly(field);
        assertThat(problems.getFirst().message()).contains(named);
    }

    static Stream<Arguments> brokenRoutedVariants() {
        return Stream.of(
                arguments("mode routed with bond block", (Consumer<HostBondSpec>) s -> s.bond = validBond().bond,
                        "spec.bond", "mode routed"),
                arguments("mode routed without routed block", (Consumer<HostBondSpec>) s -> s.routed = null,
                        "spec.routed", "mode routed"),
                arguments("duplicate uplink interfaces", (Consumer<HostBondSpec>) s -> s.routed.uplinks.get(1).interfaceName = "eth0",
                        "spec.routed.uplinks[1].interface", "\"eth0\""),
                arguments("one uplink", (Consumer<HostBondSpec>) s -> s.routed.uplinks.removeLast(),
                        "spec.routed.uplinks", "got 1"),
                arguments("uplink without gateway", (Consumer<HostBondSpec>) s -> s.routed.uplinks.get(0).gateway = null,
                        "spec.routed.uplinks[0].gateway", "required"),
                arguments("uplink gateway not an address", (Consumer<HostBondSpec>) s -> s.routed.uplinks.get(0).gateway = "192.168.1",
                        "spec.routed.uplinks[0].gateway", "192.168.1"),
                arguments("uplink metric 0", (Consumer<HostBondSpec>) s -> s.routed.uplinks.get(1).metric = 0,
                        "spec.routed.uplinks[1].metric", "got 0"),
                arguments("probe interval 5ms", (Consumer<HostBondSpec>) s -> {
                    s.routed.probe.interval = "5ms";
                    s.routed.probe.timeout = "1ms";
                }, "spec.routed.probe.interval", "5ms"),
                arguments("probe timeout over interval", (Consumer<HostBondSpec>) s -> s.routed.probe.timeout = "300ms",
                        "spec.routed.probe.timeout", "200ms"),
                arguments("probe rise 0", (Consumer<HostBondSpec>) s -> s.routed.probe.rise = 0,
                        "spec.routed.probe.rise", "got 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRoutedVariants")
    void eachBrokenRoutedRuleIsReportedAtItsFieldNamingTheValue(String variant, Consumer<HostBondSpec> change,
                                                               String field, String named) {
        List<SpecProblem> problems = HostBondValidator.validate(routedWith(change));

        assertThat(problems).extracting(SpecProblem::field).containsExactly(field);
        assertThat(problems.getFirst().message()).contains(named);
    }

    @Test
    void updelayNotAMultipleOfMiimonNamesBoth() {
        List<SpecProblem> problems = HostBondValidator.validate(bondWith(s -> {
            s.bond.miimon = 100;
            s.bond.updelay = 150;
        }));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("spec.bond.updelay");
            assertThat(p.message()).contains("150").contains("100");
        });
    }

    @Test
    void ipv6ArpTargetIsRefused() {
        List<SpecProblem> problems = HostBondValidator.validate(bondWith(s -> {
            s.bond.miimon = 0;
            s.bond.arpInterval = 200;
            s.bond.arpIpTargets = List.of("2001:db8::1");
        }));

        assertThat(problems).extracting(SpecProblem::field).containsExactly("spec.bond.arpIpTargets[0]");
        assertThat(problems.getFirst().message()).contains("IPv4");
    }
}
