package dev.tandem.agent;

import dev.tandem.agent.election.AgentNode;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tandem and keepalived 2.2 as the two members of one IPv6 virtual router: VRRPv3 over IPv6 with 50 ms adverts, unicast
 * between the members' addresses and multicast to ff02::12 from the link-local addresses, IPv6 floating address moved
 * with unsolicited neighbour advertisements. tandem runs in this JVM in lb1's namespace, keepalived in lb2's.
 */
class KeepalivedIpv6InteropTest {
    static final int ROUTER_ID = 63;
    static final Pattern KEEPALIVED_STATE = Pattern.compile("\\(web\\) Entering (\\w+) STATE");
    static final Pattern KEEPALIVED_COMPLAINT = KeepalivedInteropTest.KEEPALIVED_COMPLAINT;

    LabAgents agents;
    LabNet lab;

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNamespacesAndKeepalived() {
        LabNet.assumeKeepalivedAvailable("KeepalivedIpv6InteropTest");
    }

    @AfterEach
    void tearDown() {
        if (agents != null) {
            agents.close(); // tandem, then keepalived by its pid, then the namespaces
        }
    }

    void createLab(int subnet) {
        lab = LabNet.create(subnet, "lb1", "lb2", "client").enableIpv6();
        agents = new LabAgents(lab);
    }

    String vip() {
        return lab.subnet6() + "100";
    }

    Path tandemResources(int priority, boolean multicast) throws IOException {
        Path file = tmp.resolve("pair.yaml");
        Files.writeString(file, """
                apiVersion: tandem.dev/v1alpha1
                kind: FailoverPair
                metadata: {name: web}
                spec:
                  virtualRouterId: %d
                  advertInterval: 50ms
                  interface: eth0
                  transport: {type: vrrp, peering: %s}
                  members:
                    - {node: lb1, priority: %d, address: "%s"}
                    - {node: lb2, priority: 100, address: "%s"}
                ---
                apiVersion: tandem.dev/v1alpha1
                kind: FloatingIp
                metadata: {name: web-vip}
                spec:
                  address: "%s"
                  failoverPairRef: {name: web}
                  provider:
                    layer2: {announceCount: 3, announceInterval: 20ms}
                """.formatted(ROUTER_ID, multicast ? "multicast" : "unicast", priority, lab.address6("lb1"),
                lab.address6("lb2"), vip()));
        return file;
    }

    Path keepalivedConfig(int priority, boolean multicast) throws IOException {
        Path file = tmp.resolve("keepalived-" + priority + (multicast ? "-mc" : "") + ".conf");
        // keepalived sends IPv6 unicast adverts with the default hop limit (64) unless told otherwise; RFC 5798 §7.1
        // and tandem require 255.
        String peering = multicast ? "" : """
                  unicast_ttl 255
                  unicast_src_ip %s
                  unicast_peer {
                    %s
                  }
                """.formatted(lab.address6("lb2"), lab.address6("lb1"));
        Files.writeString(file, """
                global_defs {
                  router_id lb2
                  vrrp_version 3
                  script_user root
                  enable_script_security
                }
                vrrp_instance web {
                  state BACKUP
                  interface eth0
                  virtual_router_id %d
                  priority %d
                  advert_int 0.05
                %s
                  virtual_ipaddress {
                    %s/128 dev eth0
                  }
                }
                """.formatted(ROUTER_ID, priority, peering, vip()));
        return file;
    }

    Process startKeepalived(Path config, String logName) throws IOException {
        return lab.startKeepalived("lb2", config, tmp, tmp.resolve(logName));
    }

    String read(String logName) {
        try {
            Path log = tmp.resolve(logName);
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String keepalivedState(String logName) {
        Matcher m = KEEPALIVED_STATE.matcher(read(logName));
        String state = "";
        while (m.find()) {
            state = m.group(1);
        }
        return state;
    }

    void awaitKeepalived(String logName, String state) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(keepalivedState(logName)).as("keepalived on lb2, log:%n%s", read(logName)).isEqualTo(state));
    }

    void awaitOnlyHolderAndClient(String node) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(lab.holders(vip() + "/128")).as("nodes holding %s", vip()).containsExactly(node);
            assertThat(lab.ping6("client", vip())).as("client pings %s", vip()).isTrue();
            assertThat(lab.neighbour("client", vip())).as("client's neighbour entry for %s", vip()).isEqualTo(lab.mac(node));
        });
    }

    void assertCleanInterop(String... logs) {
        assertThat(agents.events("lb1")).as("tandem's view of keepalived's adverts")
                .noneMatch(e -> e.startsWith("rejected:") || e.startsWith("problem:"));
        for (String log : logs) {
            assertThat(read(log).lines().filter(l -> KEEPALIVED_COMPLAINT.matcher(l).find()).toList())
                    .as("complaints in keepalived's log %s", log).isEmpty();
        }
    }

    @Test
    void overUnicastTandemAsMasterThenAGracefulStopHandsOverToKeepalived() throws Exception {
        createLab(96);
        startKeepalived(keepalivedConfig(100, false), "keepalived.log");
        AgentNode tandem = agents.start("lb1", tandemResources(150, false));
        agents.awaitState(tandem, RouterState.MASTER);
        awaitKeepalived("keepalived.log", "BACKUP");
        awaitOnlyHolderAndClient("lb1");
        Thread.sleep(1000);
        assertThat(keepalivedState("keepalived.log")).as("keepalived keeps hearing tandem").isEqualTo("BACKUP");

        agents.stop(tandem);
        awaitKeepalived("keepalived.log", "MASTER");
        awaitOnlyHolderAndClient("lb2");
        assertThat(read("keepalived.log")).as("keepalived took over on tandem's priority-0 advert").contains("priority 0");
        assertCleanInterop("keepalived.log");
    }

    @Test
    void overUnicastKeepalivedAsMasterTandemTakesOverOnItsPriorityZeroAndYieldsWhenItReturns() throws Exception {
        createLab(97);
        Path config = keepalivedConfig(150, false);
        Process keepalived = startKeepalived(config, "keepalived-1.log");
        awaitKeepalived("keepalived-1.log", "MASTER");
        AgentNode tandem = agents.start("lb1", tandemResources(100, false));
        agents.awaitState(tandem, RouterState.BACKUP);
        awaitOnlyHolderAndClient("lb2");
        Thread.sleep(1000);
        assertThat(tandem.loop().state()).as("tandem keeps hearing keepalived, events %s", agents.events)
                .isEqualTo(RouterState.BACKUP);

        assertThat(LabNet.terminate(keepalived, 10)).as("keepalived stops on SIGTERM").isTrue();
        agents.awaitState(tandem, RouterState.MASTER);
        assertThat(agents.transitions("lb1")).contains("MASTER:" + Reason.PRIORITY_ZERO_RECEIVED)
                .doesNotContain("MASTER:" + Reason.MASTER_DOWN);
        awaitOnlyHolderAndClient("lb1");

        startKeepalived(config, "keepalived-2.log");
        awaitKeepalived("keepalived-2.log", "MASTER");
        agents.awaitState(tandem, RouterState.BACKUP);
        assertThat(agents.transitions("lb1")).last().isEqualTo("BACKUP:" + Reason.HIGHER_PRIORITY_ADVERT);
        awaitOnlyHolderAndClient("lb2");
        assertCleanInterop("keepalived-1.log", "keepalived-2.log");
    }

    @Test
    void overMulticastToFf02And12EachSideHearsTheOtherFromItsLinkLocalAddress() throws Exception {
        createLab(98);
        startKeepalived(keepalivedConfig(100, true), "keepalived.log");
        AgentNode tandem = agents.start("lb1", tandemResources(150, true));
        agents.awaitState(tandem, RouterState.MASTER);
        awaitKeepalived("keepalived.log", "BACKUP");
        awaitOnlyHolderAndClient("lb1");

        lab.cut("lb1");
        awaitKeepalived("keepalived.log", "MASTER");
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(lab.addresses("lb2")).contains(vip() + "/128"));
        lab.heal("lb1");
        awaitKeepalived("keepalived.log", "BACKUP");
        agents.awaitState(tandem, RouterState.MASTER);
        awaitOnlyHolderAndClient("lb1");
        assertThat(read("keepalived.log")).contains("higher priority 150");
        assertCleanInterop("keepalived.log");
    }
}
