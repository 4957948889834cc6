package dev.tandem.validation;

import dev.tandem.api.v1alpha1.ExecCheckSpec;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.api.v1alpha1.HttpCheckSpec;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.SecretKeyRef;
import dev.tandem.api.v1alpha1.TcpCheckSpec;
import dev.tandem.api.v1alpha1.TransportSpec;
import dev.tandem.api.v1alpha1.UdpTransportSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FailoverPairValidatorTest {

    /** Two load balancers with a TCP check on HAProxy's stats port, as in seeds 003/004. */
    static FailoverPairSpec valid() {
        FailoverPairSpec s = new FailoverPairSpec();
        s.members.add(new MemberSpec("lb-1", 200));
        s.members.add(new MemberSpec("lb-2", 100));
        s.advertInterval = "100ms";
        HealthCheckSpec check = new HealthCheckSpec();
        check.name = "haproxy";
        check.tcp = new TcpCheckSpec();
        check.tcp.port = 8404;
        check.interval = "2s";
        check.timeout = "1s";
        s.healthChecks.add(check);
        return s;
    }

    static FailoverPairSpec with(Consumer<FailoverPairSpec> change) {
        FailoverPairSpec s = valid();
        change.accept(s);
        return s;
    }

    @Test
    void validBaselineHasNoProblems() {
        assertThat(FailoverPairValidator.validate(valid())).isEmpty();
    }

    @Test
    void everyOptionalFieldAtItsLimitsIsAccepted() {
        FailoverPairSpec s = valid();
        for (int i = 3; i <= 8; i++) {
            s.members.add(new MemberSpec("lb-" + i, i == 8 ? 254 : 1));
        }
        s.members.getFirst().address = "192.0.2.11";
        s.members.get(1).address = "2001:db8::12";
        s.members.get(1).interfaceName = "eth0.100";
        s.interfaceName = "bond0";
        s.virtualRouterId = 255;
        s.advertInterval = "40.95s";
        s.preemptDelay = "1h";
        s.transport = new TransportSpec();
        s.transport.type = TransportSpec.Type.udp;
        s.transport.udp = new UdpTransportSpec();
        s.transport.udp.port = 65535;
        s.transport.udp.authSecretRef = new SecretKeyRef("lb-hmac", "key");
        HealthCheckSpec exec = new HealthCheckSpec();
        exec.name = "pidof-haproxy";
        exec.exec = new ExecCheckSpec();
        exec.exec.command = List.of("pidof", "haproxy");
        exec.weight = 253;
        exec.rise = 100;
        exec.fall = 1;
        s.healthChecks.add(exec);
        HealthCheckSpec http = new HealthCheckSpec();
        http.name = "stats";
        http.http = new HttpCheckSpec();
        http.http.url = "http://127.0.0.1:8404/healthz";
        http.http.expectStatus = List.of(200, 599);
        http.interval = "100ms";
        http.timeout = "100ms";
        s.healthChecks.add(http);

        assertThat(FailoverPairValidator.validate(s)).isEmpty();
    }

    @ParameterizedTest(name = "advertInterval {0} is accepted")
    @ValueSource(strings = {"10ms", "20ms", "1s", "1.5s", "40.95s", "40950ms"})
    void advertIntervalsInCentisecondStepsAreAccepted(String interval) {
        assertThat(FailoverPairValidator.validate(with(s -> s.advertInterval = interval))).isEmpty();
    }

    @Test
    void aMissingSpecIsReported() {
        assertThat(FailoverPairValidator.validate(null)).extracting(SpecProblem::field).containsExactly("spec");
    }

    static Stream<Arguments> brokenVariants() {
        return Stream.of(
                arguments("no members", (Consumer<FailoverPairSpec>) s -> s.members.clear(),
                        "spec.members", "required"),
                arguments("one member", (Consumer<FailoverPairSpec>) s -> s.members.removeLast(),
                        "spec.members", "got 1"),
                arguments("nine members", (Consumer<FailoverPairSpec>) s -> {
                    for (int i = 3; i <= 9; i++) s.members.add(new MemberSpec("lb-" + i, 50));
                }, "spec.members", "got 9"),
                arguments("duplicate node", (Consumer<FailoverPairSpec>) s -> s.members.get(1).node = "lb-1",
                        "spec.members[1].node", "\"lb-1\""),
                arguments("node not a Kubernetes name", (Consumer<FailoverPairSpec>) s -> s.members.get(1).node = "LB_2",
                        "spec.members[1].node", "LB_2"),
                arguments("member without node", (Consumer<FailoverPairSpec>) s -> s.members.get(1).node = null,
                        "spec.members[1].node", "required"),
                arguments("priority 0", (Consumer<FailoverPairSpec>) s -> s.members.get(1).priority = 0,
                        "spec.members[1].priority", "got 0"),
                arguments("priority 255", (Consumer<FailoverPairSpec>) s -> s.members.get(1).priority = 255,
                        "spec.members[1].priority", "got 255"),
                arguments("member address a host name", (Consumer<FailoverPairSpec>) s -> s.members.get(0).address = "lb-1.example.com",
                        "spec.members[0].address", "lb-1.example.com"),
                arguments("member interface with a slash", (Consumer<FailoverPairSpec>) s -> s.members.get(0).interfaceName = "eth0/1",
                        "spec.members[0].interface", "eth0/1"),
                arguments("interface over 15 characters", (Consumer<FailoverPairSpec>) s -> s.interfaceName = "enp0s31f6-uplink",
                        "spec.interface", "enp0s31f6-uplink"),
                arguments("virtualRouterId 0", (Consumer<FailoverPairSpec>) s -> s.virtualRouterId = 0,
                        "spec.virtualRouterId", "got 0"),
                arguments("virtualRouterId 256", (Consumer<FailoverPairSpec>) s -> s.virtualRouterId = 256,
                        "spec.virtualRouterId", "got 256"),
                arguments("advertInterval 5ms", (Consumer<FailoverPairSpec>) s -> s.advertInterval = "5ms",
                        "spec.advertInterval", "5ms"),
                arguments("advertInterval 41s", (Consumer<FailoverPairSpec>) s -> s.advertInterval = "41s",
                        "spec.advertInterval", "41s"),
                arguments("advertInterval 40.96s", (Consumer<FailoverPairSpec>) s -> s.advertInterval = "40.96s",
                        "spec.advertInterval", "40.96s"),
                arguments("advertInterval 15ms", (Consumer<FailoverPairSpec>) s -> s.advertInterval = "15ms",
                        "spec.advertInterval", "15ms"),
                arguments("advertInterval 1.005s", (Consumer<FailoverPairSpec>) s -> s.advertInterval = "1.005s",
                        "spec.advertInterval", "1.005s"),
                arguments("advertInterval without unit", (Consumer<FailoverPairSpec>) s -> s.advertInterval = "100",
                        "spec.advertInterval", "\"100\""),
                arguments("preemptDelay over 1h", (Consumer<FailoverPairSpec>) s -> s.preemptDelay = "61m",
                        "spec.preemptDelay", "61m"),
                arguments("health check with no kind", (Consumer<FailoverPairSpec>) s -> s.healthChecks.getFirst().tcp = null,
                        "spec.healthChecks[0]", "got 0"),
                arguments("health check with two kinds", (Consumer<FailoverPairSpec>) s -> {
                    s.healthChecks.getFirst().exec = new ExecCheckSpec();
                    s.healthChecks.getFirst().exec.command = List.of("pidof", "haproxy");
                }, "spec.healthChecks[0]", "got 2"),
                arguments("duplicate check names", (Consumer<FailoverPairSpec>) s -> {
                    HealthCheckSpec twin = new HealthCheckSpec();
                    twin.name = "haproxy";
                    twin.tcp = new TcpCheckSpec();
                    twin.tcp.port = 443;
                    s.healthChecks.add(twin);
                }, "spec.healthChecks[1].name", "\"haproxy\""),
                arguments("check name with capitals", (Consumer<FailoverPairSpec>) s -> s.healthChecks.getFirst().name = "HAProxy",
                        "spec.healthChecks[0].name", "HAProxy"),
                arguments("weight 254", (Consumer<FailoverPairSpec>) s -> s.healthChecks.getFirst().weight = 254,
                        "spec.healthChecks[0].weight", "got 254"),
                arguments("weight 0", (Consumer<FailoverPairSpec>) s -> s.healthChecks.getFirst().weight = 0,
                        "spec.healthChecks[0].weight", "got 0"),
                arguments("rise 0", (Consumer<FailoverPairSpec>) s -> s.healthChecks.getFirst().rise = 0,
                        "spec.healthChecks[0].rise", "got 0"),
                arguments("fall 101", (Consumer<FailoverPairSpec>) s -> s.healthChecks.getFirst().fall = 101,
                        "spec.healthChecks[0].fall", "got 101"),
                arguments("check interval 50ms", (Consumer<FailoverPairSpec>) s -> {
                    s.healthChecks.getFirst().interval = "50ms";
                    s.healthChecks.getFirst().timeout = "20ms";
                }, "spec.healthChecks[0].interval", "50ms"),
                arguments("check timeout 5ms", (Consumer<FailoverPairSpec>) s -> s.healthChecks.getFirst().timeout = "5ms",
                        "spec.healthChecks[0].timeout", "5ms"),
                arguments("tcp port 0", (Consumer<FailoverPairSpec>) s -> s.healthChecks.getFirst().tcp.port = 0,
                        "spec.healthChecks[0].tcp.port", "got 0"),
                arguments("tcp without port", (Consumer<FailoverPairSpec>) s -> s.healthChecks.getFirst().tcp.port = null,
                        "spec.healthChecks[0].tcp.port", "required"),
                arguments("exec without command", (Consumer<FailoverPairSpec>) s -> {
                    s.healthChecks.getFirst().tcp = null;
                    s.healthChecks.getFirst().exec = new ExecCheckSpec();
                }, "spec.healthChecks[0].exec.command", "required"),
                arguments("http url without scheme", (Consumer<FailoverPairSpec>) s -> {
                    s.healthChecks.getFirst().tcp = null;
                    s.healthChecks.getFirst().http = new HttpCheckSpec();
                    s.healthChecks.getFirst().http.url = "127.0.0.1:8404/healthz";
                }, "spec.healthChecks[0].http.url", "127.0.0.1:8404/healthz"),
                arguments("http expectStatus 600", (Consumer<FailoverPairSpec>) s -> {
                    s.healthChecks.getFirst().tcp = null;
                    s.healthChecks.getFirst().http = new HttpCheckSpec();
                    s.healthChecks.getFirst().http.url = "http://127.0.0.1:8404/healthz";
                    s.healthChecks.getFirst().http.expectStatus = List.of(200, 600);
                }, "spec.healthChecks[0].http.expectStatus[1]", "got 600"),
                arguments("udp port 0", (Consumer<FailoverPairSpec>) s -> {
                    s.transport = new TransportSpec();
                    s.transport.type = TransportSpec.Type.udp;
                    s.transport.udp = new UdpTransportSpec();
                    s.transport.udp.port = 0;
                }, "spec.transport.udp.port", "got 0"),
                arguments("udp auth secret with a bad name", (Consumer<FailoverPairSpec>) s -> {
                    s.transport = new TransportSpec();
                    s.transport.type = TransportSpec.Type.udp;
                    s.transport.udp = new UdpTransportSpec();
                    s.transport.udp.authSecretRef = new SecretKeyRef("LB_hmac", null);
                }, "spec.transport.udp.authSecretRef.name", "LB_hmac"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenVariants")
    void eachBrokenRuleIsReportedAtItsFieldNamingTheValue(String variant, Consumer<FailoverPairSpec> change, String field,
                                                         String named) {
        List<SpecProblem> problems = FailoverPairValidator.validate(with(change));

        assertThat(problems).extracting(SpecProblem::field).containsExactly(field);
        assertThat(problems.getFirst().message()).contains(named);
    }

    @Test
    void advertIntervalOffTheCentisecondGridSaysWhy() {
        List<SpecProblem> problems = FailoverPairValidator.validate(with(s -> s.advertInterval = "15ms"));

        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("10ms").contains("15ms"));
    }

    @Test
    void advertIntervalOutOfRangeNamesTheRange() {
        List<SpecProblem> problems = FailoverPairValidator.validate(with(s -> s.advertInterval = "41s"));

        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("10ms").contains("41s"));
    }

    @Test
    void checkTimeoutLongerThanItsIntervalIsReportedOnTheTimeout() {
        List<SpecProblem> problems = FailoverPairValidator.validate(with(s -> {
            s.healthChecks.getFirst().interval = "2s";
            s.healthChecks.getFirst().timeout = "3s";
        }));

        assertThat(problems).extracting(SpecProblem::field).containsExactly("spec.healthChecks[0].timeout");
        assertThat(problems.getFirst().message()).contains("interval").contains("2s");
    }

    @Test
    void checkTimeoutIsComparedWithTheDefaultIntervalWhenNoneIsGiven() {
        List<SpecProblem> problems = FailoverPairValidator.validate(with(s -> {
            s.healthChecks.getFirst().interval = null;
            s.healthChecks.getFirst().timeout = "2500ms";
        }));

        assertThat(problems).extracting(SpecProblem::field).containsExactly("spec.healthChecks[0].timeout");
    }

    @Test
    void udpBlockWithTypeVrrpIsRefused() {
        List<SpecProblem> problems = FailoverPairValidator.validate(with(s -> {
            s.transport = new TransportSpec();
            s.transport.type = TransportSpec.Type.vrrp;
            s.transport.udp = new UdpTransportSpec();
        }));

        assertThat(problems).extracting(SpecProblem::field).containsExactly("spec.transport.udp");
        assertThat(problems.getFirst().message()).contains("type udp");
    }

    @Test
    void udpBlockWithTheDefaultTypeIsRefusedToo() {
        List<SpecProblem> problems = FailoverPairValidator.validate(with(s -> {
            s.transport = new TransportSpec();
            s.transport.udp = new UdpTransportSpec();
        }));

        assertThat(problems).extracting(SpecProblem::field).containsExactly("spec.transport.udp");
    }

    @Test
    void everyProblemIsReportedNotOnlyTheFirst() {
        List<SpecProblem> problems = FailoverPairValidator.validate(with(s -> {
            s.members.get(0).priority = 0;
            s.members.get(1).priority = 255;
            s.advertInterval = "5ms";
        }));

        assertThat(problems).extracting(SpecProblem::field).containsExactlyInAnyOrder(
                "spec.members[0].priority", "spec.members[1].priority", "spec.advertInterval");
    }
}
