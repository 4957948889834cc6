package dev.tandem.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tandem bond render --format networkd}: seed 000's files from the HostBond that describes its host. */
class BondCommandTest {
    /** Seed 000's bond: eth0 primary, reselect always, MIIMonitorSec=1s, 192.168.1.252/24 via 192.168.1.1. */
    static final String SEED_000 = """
            apiVersion: tandem.dev/v1alpha1
            kind: HostBond
            metadata: {name: qpi2}
            spec:
              nodeSelector: {tandem.dev/uplinks: wired-wireless}
              mode: bond
              bond:
                slaves: [eth0, wlan0]
                primary: eth0
                primaryReselect: always
                miimon: 1000
              addresses: [192.168.1.252/24]
              gateway: 192.168.1.1
            """;
    static final String HEADER = "# Rendered by `tandem bond render --format networkd` from HostBond qpi2.\n";

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new BondCommand()).execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void seed000sBondBecomesItsNetdevAndNetworkFiles(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("qpi2.yaml"), SEED_000);
        Path out = dir.resolve("network");
        Run run = run("render", "--format", "networkd", "--output", out.toString(), file.toString());
        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.out).contains("wrote " + out.resolve("20-bond0.netdev"));
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("20-bond0.netdev",
                    "30-bond0-eth0.network", "30-bond0-wlan0.network", "40-bond0.network");
        }
        assertThat(Files.readString(out.resolve("20-bond0.netdev"))).isEqualTo(HEADER + """
                [NetDev]
                Name=bond0
                Kind=bond

                [Bond]
                Mode=active-backup
                PrimaryReselectPolicy=always
                MIIMonitorSec=1000ms
                UpDelaySec=0ms
                DownDelaySec=0ms
                FailOverMACPolicy=none
                GratuitousARP=1
                """);
        assertThat(Files.readString(out.resolve("30-bond0-eth0.network"))).isEqualTo(HEADER + """
                [Match]
                Name=eth0

                [Network]
                Bond=bond0
                PrimarySlave=true
                """);
        assertThat(Files.readString(out.resolve("30-bond0-wlan0.network"))).isEqualTo(HEADER + """
                [Match]
                Name=wlan0

                [Network]
                Bond=bond0
                """);
        assertThat(Files.readString(out.resolve("40-bond0.network"))).isEqualTo(HEADER + """
                [Match]
                Name=bond0

                [Network]
                Address=192.168.1.252/24
                Gateway=192.168.1.1
                """);
        assertThat(run.err).contains("without tandem's rollback");
    }

    @Test
    void arpMonitoringAndTheSamplesBondPrintToStandardOutput(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("arp.yaml"), SEED_000.replace("miimon: 1000",
                "arpInterval: 200\n    arpIpTargets: [192.168.1.1]\n    failOverMac: active\n    numGratArp: 3"));
        Run run = run("render", "--format", "networkd", file.toString());
        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.out).contains("### 20-bond0.netdev\n" + HEADER)
                .contains("ARPIntervalSec=200ms\nARPIPTargets=192.168.1.1\nFailOverMACPolicy=active\nGratuitousARP=3\n")
                .doesNotContain("MIIMonitorSec").doesNotContain("UpDelaySec");

        Run sample = run("render", "--format", "networkd", "--name", "wired-wireless-bond",
                Path.of("samples/laptop-wired-wireless-bond.yaml").toString());
        assertThat(sample.exit).as(sample.err).isZero();
        assertThat(sample.out).contains("MIIMonitorSec=100ms\nUpDelaySec=200ms\nDownDelaySec=200ms\n")
                .contains("Address=192.0.2.252/24\nGateway=192.0.2.1\n");
    }

    @Test
    void routedUplinksBecomeOneNetworkFileEachWithTheirMetric() throws Exception {
        Run run = run("render", "--format", "networkd", "--name", "wired-wireless-routed",
                "samples/laptop-wired-wireless-bond.yaml");
        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.out).contains("### 30-eth0.network").contains("### 30-wlan0.network")
                .contains("[Match]\nName=wlan0\n\n[Network]\n\n[Route]\nGateway=192.0.2.1\nMetric=600\n");
        assertThat(run.err).contains("networkd does not probe gateways");
    }

    @Test
    void badInputIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), SEED_000.replace("miimon: 1000",
                "miimon: 100\n    updelay: 150"));
        Run invalid = run("render", "--format", "networkd", file.toString());
        assertThat(invalid.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(invalid.err).isEqualToIgnoringNewLines("tandem bond render: HostBond qpi2 is invalid:"
                + " spec.bond.updelay: 150 is not a multiple of miimon (100)");

        Run format = run("render", "--format", "ifupdown", file.toString());
        assertThat(format.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(format.err).contains("unknown --format ifupdown; the one format is networkd");

        Run several = run("render", "--format", "networkd", "samples/laptop-wired-wireless-bond.yaml");
        assertThat(several.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(several.err).contains("has 2 HostBonds (wired-wireless-bond, wired-wireless-routed); choose one with --name");

        Run none = run("render", "--format", "networkd", "/nonexistent.yaml");
        assertThat(none.err).contains("cannot read /nonexistent.yaml");
    }
}
