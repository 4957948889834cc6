package dev.tandem.agent.hostbond;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code tandem agent --host-bond NAME --standalone FILE} as a process in the node's namespace of {@link UplinkLab}
 * (the command line a host outside Kubernetes runs): its exit status says what happened, 78 for a HostBond this node
 * cannot take (nothing changed), 1 for one that was rolled back (the node as before); applied, it runs until stopped
 * and leaves the routes in place.
 */
class HostBondAgentProcessTest {
    UplinkLab lab;
    Process agent;

    @BeforeEach
    void setUp() {
        UplinkLab.assumeAvailable(getClass().getSimpleName());
        lab = UplinkLab.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null && agent.isAlive()) {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
        if (lab != null) lab.close();
    }

    static String file(Path dir, String uplink0, String gateway0, String gateway1) throws Exception {
        return Files.writeString(dir.resolve("uplinks.yaml"), """
                apiVersion: tandem.dev/v1alpha1
                kind: HostBond
                metadata: {name: uplinks}
                spec:
                  nodeSelector: {tandem.dev/uplinks: two}
                  mode: routed
                  routed:
                    uplinks:
                      - {interface: %s, gateway: %s}
                      - {interface: eth1, gateway: %s}
                  rollback: {timeout: 5s}
                """.formatted(uplink0, gateway0, gateway1)).toString();
    }

    Process start(String file, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab.ns("node"),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-Dorg.jboss.logging.provider=jdk", "-cp", System.getProperty("java.class.path"),
                "dev.tandem.cli.Main", "agent", "--host-bond", "uplinks", "--standalone", file, "--node", "node"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static String read(Path log) throws Exception {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Test
    void aHostBondThisNodeCannotTakeExits78AndChangesNothing(@TempDir Path dir) throws Exception {
        List<String> before = lab.defaultRoutes();
        Path log = dir.resolve("agent.log");
        agent = start(file(dir, "wlan0", "10.97.1.1", "10.97.2.1"), log);
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).as(read(log)).isEqualTo(HostBondAgent.CONFIG);
        assertThat(read(log)).contains("Failed: cannot apply on this node: spec.routed.uplinks[0].interface: interface"
                + " wlan0 does not exist on this node (it has lo, eth0, eth1); nothing was changed");
        assertThat(lab.defaultRoutes()).isEqualTo(before);
    }

    @Test
    void aRolledBackHostBondExits1AndTheNodeIsAsBefore(@TempDir Path dir) throws Exception {
        List<String> before = lab.defaultRoutes();
        Path log = dir.resolve("agent.log");
        agent = start(file(dir, "eth0", "10.97.1.99", "10.97.2.99"), log);
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).as(read(log)).isEqualTo(HostBondAgent.ROLLED_BACK);
        assertThat(read(log)).contains("RolledBack").contains("restored the configuration recorded before the change");
        assertThat(lab.defaultRoutes()).isEqualTo(before);
        assertThat(lab.nodeReachesRemote()).isTrue();
    }

    @Test
    void anAppliedHostBondRunsUntilStoppedAndStaysInPlace(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("agent.log");
        agent = start(file(dir, "eth0", "10.97.1.1", "10.97.2.1"), log);
        await().atMost(java.time.Duration.ofSeconds(60)).until(() -> read(log).contains("Applied (active eth0)"));
        agent.destroy(); // SIGTERM
        assertThat(agent.waitFor(10, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        assertThat(lab.defaultRoutes()).containsExactlyInAnyOrder(
                "default via 10.97.1.1 dev eth0 proto 231 metric 99",
                "default via 10.97.2.1 dev eth1 proto 231 metric 110");
        assertThat(lab.nodeReachesRemote()).isTrue();
    }
}
