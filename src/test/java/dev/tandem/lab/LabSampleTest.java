package dev.tandem.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the lab makes of a sample, and how it writes when no terminal is there; no root needed. */
class LabSampleTest {
    @TempDir
    Path tmp;

    @Test
    void theDefaultSamplePutsItsMembersOnTheFloatingIpsSubnetAndAnswersItsChecks() {
        LabSample s = LabSample.load(null);

        assertThat(s.source()).isEqualTo("samples/bare-metal-l2-vip.yaml");
        assertThat(s.namespace()).isEqualTo("tandem-demo");
        assertThat(s.pairName()).isEqualTo("ingress-lb");
        assertThat(s.vip()).isEqualTo("192.0.2.100");
        assertThat(s.members().values()).extracting(LabSample.Member::node, LabSample.Member::address,
                        LabSample.Member::interfaceName, LabSample.Member::priority)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("lb-1", "192.0.2.11", "eth0", 150),
                        org.assertj.core.groups.Tuple.tuple("lb-2", "192.0.2.12", "eth0", 120),
                        org.assertj.core.groups.Tuple.tuple("lb-3", "192.0.2.13", "eth0", 100));
        assertThat(s.clientAddress()).isEqualTo("192.0.2.50");
        assertThat(s.bridgeAddress()).isEqualTo("192.0.2.254");
        assertThat(s.floatingIps()).extracting(f -> f.getSpec().address).containsExactly("192.0.2.100", "2001:db8:100::100");
        assertThat(s.localServices()).containsExactly(new LabSample.LocalService("ingress-healthz", 10254, 200),
                new LabSample.LocalService("https-port", 443, 0));
    }

    @Test
    void membersWithTheirOwnAddressesKeepThem() {
        LabSample s = LabSample.load("edge-gateway-l2-unicast");

        assertThat(s.members().values()).extracting(LabSample.Member::address).containsExactly("198.51.100.2", "198.51.100.3");
        assertThat(s.members().values()).extracting(LabSample.Member::interfaceName).containsOnly("eth1");
        assertThat(s.clientAddress()).isEqualTo("198.51.100.50");
    }

    @Test
    void aSampleWithoutALayer2FloatingIpIsRefusedWithTheSampleToUseInstead() {
        assertThatThrownBy(() -> LabSample.load("haproxy-digitalocean")).isInstanceOf(LabException.class)
                .hasMessageContaining("samples/haproxy-digitalocean.yaml has no layer2 FloatingIp")
                .hasMessageContaining("--sample bare-metal-l2-vip");
        assertThatThrownBy(() -> LabSample.load("no-such-sample")).hasMessageContaining("no sample no-such-sample");
    }

    @Test
    void aMemberOffTheFloatingIpsSubnetIsNamed() throws Exception {
        Path file = tmp.resolve("pair.yaml");
        Files.writeString(file, """
                apiVersion: tandem.dev/v1alpha1
                kind: FailoverPair
                metadata: {name: web}
                spec:
                  members:
                    - {node: a, priority: 150, address: 10.1.2.3}
                    - {node: b, priority: 100}
                ---
                apiVersion: tandem.dev/v1alpha1
                kind: FloatingIp
                metadata: {name: web-vip}
                spec:
                  address: 192.0.2.10
                  failoverPairRef: {name: web}
                  provider: {layer2: {}}
                """);
        assertThatThrownBy(() -> LabSample.load(file.toString())).isInstanceOf(LabException.class)
                .hasMessageContaining("member a has address 10.1.2.3, outside 192.0.2.0/24");
    }

    @Test
    void withoutATerminalEveryLineIsPlainAndTimestamped() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LabConsole console = new LabConsole(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        console.progress(1, 8, "building");
        console.live(List.of("a live block", "that a pipe never sees"));
        console.println("round 1/1: cutting lb-1's link");

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\033").doesNotContain("live block");
        assertThat(out.lines().toList()).as("the progress line and the line that stays").hasSize(2)
                .allSatisfy(l -> assertThat(l).matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3} .*"));
        assertThat(out).contains("[1/8] building").contains("round 1/1: cutting lb-1's link");
    }

    @Test
    void onATerminalTheLiveBlockIsRedrawnInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LabConsole console = new LabConsole(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        console.live(List.of("lb-1 MASTER", "lb-2 BACKUP"));
        console.live(List.of("lb-1 FAULT", "lb-2 MASTER"));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("lb-1 MASTER\nlb-2 BACKUP\n" + "\033[1A\r\033[2K\033[1A\r\033[2K" + "lb-1 FAULT\nlb-2 MASTER\n");
    }

    @Test
    void agentLogTimesAreReadBack() {
        var at = AgentProcess.timeOf("2026-11-22 03:59:59,498 INFO  [de.ta.agent] ingress-lb: BACKUP -> MASTER (MasterDown)");
        assertThat(at.atZone(java.time.ZoneId.systemDefault()).toLocalDateTime())
                .isEqualTo(java.time.LocalDateTime.of(2026, 11, 22, 3, 59, 59, 498_000_000));
    }
}
