package dev.tandem.validation;

import dev.tandem.api.v1alpha1.BondSpec;
import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FailoverPairSpec;
import dev.tandem.api.v1alpha1.FailoverPairStatus;
import dev.tandem.api.v1alpha1.FloatingIpSpec;
import dev.tandem.api.v1alpha1.FloatingIpStatus;
import dev.tandem.api.v1alpha1.HealthCheckSpec;
import dev.tandem.api.v1alpha1.HostBondSpec;
import dev.tandem.api.v1alpha1.LayerTwoSpec;
import dev.tandem.api.v1alpha1.LocalObjectRef;
import dev.tandem.api.v1alpha1.MemberSpec;
import dev.tandem.api.v1alpha1.MemberStatus;
import dev.tandem.api.v1alpha1.MoveRecord;
import dev.tandem.api.v1alpha1.ProviderSpec;
import dev.tandem.api.v1alpha1.RetrySpec;
import dev.tandem.api.v1alpha1.TcpCheckSpec;
import dev.tandem.api.v1alpha1.TransportSpec;
import dev.tandem.api.v1alpha1.UdpTransportSpec;
import dev.tandem.operator.status.FloatingIpObservation;
import dev.tandem.operator.status.FloatingIpStatusAggregator;
import dev.tandem.validation.Durations;
import dev.tandem.validation.FailoverPairValidator;
import dev.tandem.validation.FloatingIpValidator;
import dev.tandem.validation.HostBondValidator;
import dev.tandem.validation.SpecProblem;
import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Edge cases found in review: messages name the offending value, Java rules equal the schema's, report gaps are not moves. */
class ReviewFindingsTest {
    static FailoverPairSpec pair() {
        FailoverPairSpec s = new FailoverPairSpec();
        s.members.add(new MemberSpec("lb-1", 200));
        s.members.add(new MemberSpec("lb-2", 100));
        HealthCheckSpec c = new HealthCheckSpec();
        c.name = "haproxy";
        c.tcp = new TcpCheckSpec();
        c.tcp.port = 8404;
        s.healthChecks.add(c);
        return s;
    }

    static FloatingIpSpec fip(String address) {
        FloatingIpSpec s = new FloatingIpSpec();
        s.address = address;
        s.failoverPairRef = new LocalObjectRef("lb");
        s.provider = new ProviderSpec();
        s.provider.layer2 = new LayerTwoSpec();
        return s;
    }

    static HostBondSpec bond() {
        HostBondSpec s = new HostBondSpec();
        s.nodeSelector = new LinkedHashMap<>(Map.of("tandem.dev/uplinks", "dual"));
        s.mode = HostBondSpec.Mode.bond;
        s.bond = new BondSpec();
        s.bond.slaves = new ArrayList<>(List.of("eth0", "wlan0"));
        return s;
    }

    // --- Durations ---
    @Test
    void durationOfTenDigitsRoundTrips() {
        Duration d = Duration.ofMillis(1_000_000_001L);
        assertThat(Durations.parse(Durations.format(d))).contains(d);
    }

    // --- messages that do not name the offending value ---
    @Test
    void checkTimeoutMessageNamesTheTimeout() {
        FailoverPairSpec s = pair();
        s.healthChecks.getFirst().interval = "2s";
        s.healthChecks.getFirst().timeout = "3s";
        List<SpecProblem> problems = FailoverPairValidator.validate(s);
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("3s"));
    }

    @Test
    void udpBlockMessageNamesTheType() {
        FailoverPairSpec s = pair();
        s.transport = new TransportSpec();
        s.transport.type = TransportSpec.Type.vrrp;
        s.transport.udp = new UdpTransportSpec();
        assertThat(FailoverPairValidator.validate(s)).singleElement().satisfies(p -> assertThat(p.message()).contains("vrrp"));
    }

    @Test
    void loopbackMessageNamesTheAddress() {
        assertThat(FloatingIpValidator.validate(fip("127.0.0.1"))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("127.0.0.1"));
    }

    @Test
    void multicastMessageNamesTheAddress() {
        assertThat(FloatingIpValidator.validate(fip("224.0.0.18"))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("224.0.0.18"));
    }

    @Test
    void initialBackoffMessageNamesTheInitialBackoff() {
        FloatingIpSpec s = fip("192.0.2.10");
        s.retry = new RetrySpec();
        s.retry.initialBackoff = "10s";
        s.retry.maxBackoff = "2s";
        assertThat(FloatingIpValidator.validate(s)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("10s"));
    }

    @Test
    void ipv6ArpTargetMessageNamesTheAddress() {
        HostBondSpec s = bond();
        s.bond.miimon = 0;
        s.bond.arpInterval = 200;
        s.bond.arpIpTargets = List.of("2001:db8::1");
        assertThat(HostBondValidator.validate(s)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("2001:db8::1"));
    }

    @Test
    void arpIntervalWithoutTargetsMessageNamesTheInterval() {
        HostBondSpec s = bond();
        s.bond.miimon = 0;
        s.bond.arpInterval = 200;
        assertThat(HostBondValidator.validate(s)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("200"));
    }

    // --- validator does not mirror the schema ---
    @Test
    void maxUnavailableWithALeadingZeroIsRefusedLikeTheSchema() {
        HostBondSpec s = bond();
        s.maxUnavailable = new IntOrString("05%");
        assertThat(HostBondValidator.validate(s)).extracting(SpecProblem::field).containsExactly("spec.maxUnavailable");
    }

    @Test
    void maxUnavailableAboveTenThousandIsAcceptedLikeTheSchema() {
        HostBondSpec s = bond();
        s.maxUnavailable = new IntOrString(20_000);
        assertThat(HostBondValidator.validate(s)).isEmpty();
    }

    @Test
    void addressPrefixWithALeadingZeroIsRefusedLikeTheSchema() {
        HostBondSpec s = bond();
        s.addresses = List.of("192.168.1.20/024");
        assertThat(HostBondValidator.validate(s)).extracting(SpecProblem::field).containsExactly("spec.addresses[0]");
    }

    // --- FloatingIp moves ---
    @Test
    void aHolderThatReappearsAfterAStaleReportHasNotMoved() {
        Instant now = Instant.parse("2026-05-01T12:00:00Z");
        FailoverPair pair = new FailoverPair();
        pair.setStatus(new FailoverPairStatus());
        pair.getStatus().activeMember = "lb-1";
        MemberStatus lb1 = new MemberStatus(MemberStatus.State.MASTER, 200);
        lb1.holds = List.of("web-vip");
        lb1.lastSeen = now.minusSeconds(120).toString();
        pair.getStatus().members.put("lb-1", lb1);
        FloatingIpStatus before = new FloatingIpStatus();
        before.holderNode = "lb-1";
        before.moves = 1L;
        before.lastMove = new MoveRecord();
        before.lastMove.to = "lb-1";
        before.lastMove.time = "2026-05-01T08:00:00Z";

        FloatingIpStatus gap = FloatingIpStatusAggregator.aggregate(new FloatingIpObservation("web-vip",
                fip("192.0.2.10"), 1L, before, List.of(), pair, false, now, Duration.ofSeconds(30)));
        lb1.lastSeen = now.plusSeconds(10).toString();
        FloatingIpStatus after = FloatingIpStatusAggregator.aggregate(new FloatingIpObservation("web-vip",
                fip("192.0.2.10"), 1L, gap, List.of(), pair, false, now.plusSeconds(10), Duration.ofSeconds(30)));

        assertThat(after.holderNode).isEqualTo("lb-1");
        assertThat(after.moves).isEqualTo(1L);
        assertThat(after.lastMove.time).isEqualTo("2026-05-01T08:00:00Z");
    }
}
