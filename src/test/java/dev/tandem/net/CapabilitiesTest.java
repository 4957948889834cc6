package dev.tandem.net;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CapabilitiesTest {
    static final String NEEDS =
            "tandem agent needs CAP_NET_RAW (raw VRRP socket, gratuitous ARP) and CAP_NET_ADMIN (addresses)";
    static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            State:\tS (sleeping)
            CapInh:\t0000000000000000
            CapPrm:\t000001ffffffffff
            CapEff:\t%s
            CapBnd:\t000001ffffffffff
            CapAmb:\t0000000000000000
            NoNewPrivs:\t0
            """;

    @Test
    void fullCapabilitiesPass() {
        Capabilities root = Capabilities.parse(STATUS.formatted("000001ffffffffff"));
        assertThat(root.missingForAgent()).isEmpty();
        root.requireAgentCapabilities();
    }

    @Test
    void exactlyTheTwoNeededPass() {
        Capabilities agent = Capabilities.parse(STATUS.formatted("0000000000003000")); // bits 12 and 13
        assertThat(agent.has(Capabilities.CAP_NET_ADMIN)).isTrue();
        assertThat(agent.has(Capabilities.CAP_NET_RAW)).isTrue();
        agent.requireAgentCapabilities();
    }

    @Test
    void missingNetRawIsOneClearSentence() {
        Capabilities noRaw = Capabilities.parse(STATUS.formatted("000001ffffffdfff"));
        assertThatThrownBy(noRaw::requireAgentCapabilities)
                .isInstanceOf(MissingCapabilitiesException.class)
                .hasMessage("tandem agent needs CAP_NET_RAW (raw VRRP socket, gratuitous ARP) and CAP_NET_ADMIN "
                        + "(addresses); missing: CAP_NET_RAW");
    }

    @Test
    void missingBothAreBothNamed() {
        Capabilities plain = Capabilities.parse(STATUS.formatted("0000000000000000"));
        assertThat(plain.missingForAgent()).containsExactly("CAP_NET_RAW", "CAP_NET_ADMIN");
        assertThatThrownBy(plain::requireAgentCapabilities)
                .hasMessageEndingWith("missing: CAP_NET_RAW, CAP_NET_ADMIN");
    }

    @Test
    void statusWithoutCapEffIsRejected() {
        assertThatThrownBy(() -> Capabilities.parse("Name:\tjava\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no CapEff line in the process status text");
        assertThatThrownBy(() -> Capabilities.parse("CapEff:\tzz\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'zz'");
    }

    @Test
    void thisProcessCanBeRead() {
        assertThat(Capabilities.ofThisProcess().effectiveMask()).isEqualTo(
                Capabilities.parse(readStatus()).effectiveMask());
    }

    @Test
    void aProcessWithoutNetRawIsToldSoAtStartupAndAtTheSocket() throws Exception {
        String output = runProbeWithout("cap_net_raw", List.of(), "");

        assertThat(output).contains("capabilities: " + NEEDS + "; missing: CAP_NET_RAW\n");
        assertThat(output).contains("socket: socket(AF_INET, SOCK_RAW, 112) on lo failed: Operation not permitted "
                + "(errno 1); " + NEEDS + "; missing: CAP_NET_RAW\n");
    }

    @Test
    void aProcessWithoutNetAdminIsToldSoWhenItChangesAddresses() throws Exception {
        NetNs.assumeAvailable();
        try (NetNs ns = NetNs.create()) { // so that even a drop that silently failed could not touch the host
            String output = runProbeWithout("cap_net_admin", List.of("ip", "netns", "exec", ns.name()), "admin");

            assertThat(output).contains("capabilities: " + NEEDS + "; missing: CAP_NET_ADMIN\n");
            assertThat(output).contains("address: netlink RTM_NEWADDR 10.99.9.9/32 on lo failed: Operation not "
                    + "permitted (errno 1); " + NEEDS + "; missing: CAP_NET_ADMIN\n");
        }
    }

    /** Runs {@link CapabilityProbe} in a child JVM under {@code capsh --drop=CAPABILITY}; skips when it cannot. */
    private static String runProbeWithout(String capability, List<String> prefix, String argument) throws Exception {
        Path capsh = Path.of("/usr/sbin/capsh");
        if (!Files.isExecutable(capsh)) {
            capsh = Path.of("/sbin/capsh");
        }
        String reason = !Files.isExecutable(capsh) ? "capsh (libcap2-bin) is not installed"
                : !Capabilities.ofThisProcess().has(8 /* CAP_SETPCAP */) ? "dropping a capability needs CAP_SETPCAP"
                : null;
        if (reason != null) {
            System.out.println("SKIPPED capability drop test: " + reason);
        }
        assumeTrue(reason == null, reason);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = location(CapabilityProbe.class) + ":" + location(Capabilities.class);
        String command = quote(java) + " --enable-native-access=ALL-UNNAMED -cp " + quote(classpath) + " "
                + CapabilityProbe.class.getName() + " " + argument;
        List<String> full = new java.util.ArrayList<>(prefix);
        full.addAll(List.of(capsh.toString(), "--drop=" + capability, "--", "-c", command));
        Process child = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static String readStatus() {
        try {
            return Files.readString(Path.of("/proc/self/status"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
