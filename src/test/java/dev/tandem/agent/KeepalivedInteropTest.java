package dev.tandem.agent;

import dev.tandem.agent.election.AgentNode;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.net.NetworkNamespace;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.DecodeResult;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tandem and keepalived 2.2 as the two members of one virtual router: VRRPv3, unicast, 50 ms adverts, no
 * authentication. Our agent runs in this JVM in one namespace (lb1), keepalived as a process in another (lb2), a
 * client beside them. Each side must accept the other's adverts (checksum with the unicast pseudo-header, TTL 255,
 * centisecond interval), follow the same priority rules and move the address the same way.
 */
class KeepalivedInteropTest {
    static final int ROUTER_ID = 62;
    static final String VIP_HOST = "100";
    static final Pattern KEEPALIVED_STATE = Pattern.compile("\\(web\\) Entering (\\w+) STATE");
    /** What keepalived 2.2.7 logs when it drops or distrusts a packet (vrrp.c), or when it misreads its config. */
    static final Pattern KEEPALIVED_COMPLAINT = Pattern.compile(
            "(?i)checksum|ttl|wrong version|invalid|mismatch|too short|unknown keyword|bad |error");

    LabNet lab;
    final List<AgentNode> nodes = new ArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNamespacesAndKeepalived() {
        LabNet.assumeKeepalivedAvailable("KeepalivedInteropTest");
    }

    @AfterEach
    void tearDown() {
        for (AgentNode n : nodes) {
            n.close();
        }
        if (lab != null) {
            lab.close(); // keepalived first, by its pid, then the namespaces
        }
    }

    String vip() {
        return lab.subnet + VIP_HOST;
    }

    /** tandem on lb1, keepalived on lb2, a client. */
    void createLab(int subnet) {
        lab = LabNet.create(subnet, "lb1", "lb2", "client");
    }

    Path tandemResources(int tandemPriority, int keepalivedPriority) throws IOException {
        return tandemResources(tandemPriority, keepalivedPriority, "50ms");
    }

    Path tandemResources(int tandemPriority, int keepalivedPriority, String advertInterval) throws IOException {
        Path file = tmp.resolve("pair.yaml");
        Files.writeString(file, """
                apiVersion: tandem.dev/v1alpha1
                kind: FailoverPair
                metadata: {name: web}
                spec:
                  virtualRouterId: %d
                  advertInterval: %s
                  interface: eth0
                  members:
                    - {node: lb1, priority: %d, address: %s}
                    - {node: lb2, priority: %d, address: %s}
                ---
                apiVersion: tandem.dev/v1alpha1
                kind: FloatingIp
                metadata: {name: web-vip}
                spec:
                  address: %s
                  failoverPairRef: {name: web}
                  provider:
                    layer2: {announceCount: 3, announceInterval: 20ms}
                """.formatted(ROUTER_ID, advertInterval, tandemPriority, lab.address("lb1"), keepalivedPriority, lab.address("lb2"),
                vip()));
        return file;
    }

    /** The keepalived side of the same pair, as the seeds configure it: VRRPv3, unicast, no authentication. */
    Path keepalivedConfig(int priority) throws IOException {
        return keepalivedConfig(priority, "0.05");
    }

    Path keepalivedConfig(int priority, String advertInt) throws IOException {
        Path file = tmp.resolve("keepalived-" + priority + "-" + advertInt + ".conf");
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
                  advert_int %s
                  unicast_src_ip %s
                  unicast_peer {
                    %s
                  }
                  virtual_ipaddress {
                    %s/32 dev eth0
                  }
                }
                """.formatted(ROUTER_ID, priority, advertInt, lab.address("lb2"), lab.address("lb1"), vip()));
        return file;
    }

    Process startKeepalived(Path config, String logName) throws IOException {
        return lab.startKeepalived("lb2", config, tmp, tmp.resolve(logName));
    }

    AgentNode startTandem(Path file) throws Exception {
        StandaloneResources r = StandaloneResources.load(file, null);
        PairPlan plan = PairPlan.of(r.pair(), r.floatingIps(), "lb1", Map.of(), r.pair().getSpec().virtualRouterId);
        ElectionListener listener = new ElectionListener() {
            @Override
            public void transition(Action.Transition t, long takeoverMillis) {
                events.add(t.to() + ":" + t.reason());
            }

            @Override
            public void problem(String message) {
                events.add("problem:" + message);
            }

            @Override
            public void advertRejected(DecodeResult.RejectReason reason, String message) {
                events.add("rejected:" + reason + ":" + message);
            }

            @Override
            public void foreignAdvert(int vrid) {
                events.add("foreign:" + vrid);
            }
        };
        AgentNode n = NetworkNamespace.call(lab.nsPath("lb1"), () -> AgentNode.open(plan, listener)).start();
        nodes.add(n);
        return n;
    }

    void stopTandem(AgentNode n) {
        nodes.remove(n);
        n.close();
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every state keepalived's log says it entered, in order. */
    List<String> keepalivedStates(String logName) {
        return KEEPALIVED_STATE.matcher(read(tmp.resolve(logName))).results().map(m -> m.group(1)).toList();
    }

    /** keepalived's state as its log last said it, or "" before the first. */
    String keepalivedState(String logName) {
        Matcher m = KEEPALIVED_STATE.matcher(read(tmp.resolve(logName)));
        String state = "";
        while (m.find()) {
            state = m.group(1);
        }
        return state;
    }

    /** Waits until tandem is in {@code state} and its listener has recorded it (just after the loop changed it). */
    void awaitTandem(AgentNode n, RouterState state) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            assertThat(n.loop().state()).as("tandem on lb1, events %s", events).isEqualTo(state);
            // transition records are STATE:REASON; the others start problem:, rejected:, foreign:
            assertThat(events.stream().filter(e -> e.contains(":") && Character.isUpperCase(e.charAt(0))).toList())
                    .as("recorded transitions").last().asString().startsWith(state + ":");
        });
    }

    void awaitKeepalived(String logName, String state) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(keepalivedState(logName)).as("keepalived on lb2, log:%n%s",
                        read(tmp.resolve(logName))).isEqualTo(state));
    }

    void awaitOnlyHolder(String node) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(lab.holders(vip() + "/32")).as("nodes holding %s", vip())
                        .containsExactly(node));
    }

    void awaitClientReaches(String node) {
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(lab.ping("client", vip())).as("client pings %s", vip()).isTrue();
            assertThat(lab.neighbour("client", vip())).as("client's ARP entry for %s", vip()).isEqualTo(lab.mac(node));
        });
    }

    /** Neither side dropped the other's packets: no rejections at tandem, no complaint in keepalived's log. */
    void assertCleanInterop(String... keepalivedLogs) {
        assertThat(events).as("tandem's view of keepalived's adverts")
                .noneMatch(e -> e.startsWith("rejected:") || e.startsWith("foreign:") || e.startsWith("problem:"));
        for (String logName : keepalivedLogs) {
            assertThat(read(tmp.resolve(logName)).lines().filter(l -> KEEPALIVED_COMPLAINT.matcher(l).find()).toList())
                    .as("complaints in keepalived's log %s", logName).isEmpty();
        }
    }

    @Test
    void tandemAsMasterKeepalivedAsBackupAndAGracefulStopHandsOverToKeepalived() throws Exception {
        createLab(81);
        startKeepalived(keepalivedConfig(100), "keepalived.log");
        AgentNode tandem = startTandem(tandemResources(150, 100));

        awaitTandem(tandem, RouterState.MASTER);
        awaitKeepalived("keepalived.log", "BACKUP");
        awaitOnlyHolder("lb1");
        awaitClientReaches("lb1");
        // keepalived keeps hearing tandem: it stays BACKUP for a good number of intervals.
        Thread.sleep(1000);
        assertThat(keepalivedState("keepalived.log")).isEqualTo("BACKUP");
        assertThat(lab.holders(vip() + "/32")).containsExactly("lb1");

        stopTandem(tandem);
        awaitKeepalived("keepalived.log", "MASTER");
        awaitOnlyHolder("lb2");
        awaitClientReaches("lb2");
        assertThat(read(tmp.resolve("keepalived.log"))).as("keepalived took over on tandem's priority-0 advert")
                .contains("priority 0");
        assertCleanInterop("keepalived.log");
    }

    @Test
    void keepalivedAsMasterTandemTakesOverOnItsPriorityZeroAndYieldsWhenItReturns() throws Exception {
        createLab(82);
        Path config = keepalivedConfig(150);
        Process keepalived = startKeepalived(config, "keepalived-1.log");
        awaitKeepalived("keepalived-1.log", "MASTER");
        AgentNode tandem = startTandem(tandemResources(100, 150));

        awaitTandem(tandem, RouterState.BACKUP);
        awaitOnlyHolder("lb2");
        Thread.sleep(1000);
        assertThat(tandem.loop().state()).as("tandem keeps hearing keepalived, events %s", events)
                .isEqualTo(RouterState.BACKUP);
        awaitClientReaches("lb2");

        // SIGTERM: keepalived sends priority 0 and removes its address.
        assertThat(LabNet.terminate(keepalived, 10)).as("keepalived stops on SIGTERM").isTrue();
        awaitTandem(tandem, RouterState.MASTER);
        assertThat(events).contains("MASTER:" + Reason.PRIORITY_ZERO_RECEIVED).doesNotContain("MASTER:" + Reason.MASTER_DOWN);
        awaitOnlyHolder("lb1");
        awaitClientReaches("lb1");

        // Back with the higher priority, keepalived preempts; tandem steps down and removes the address.
        startKeepalived(config, "keepalived-2.log");
        awaitKeepalived("keepalived-2.log", "MASTER");
        awaitTandem(tandem, RouterState.BACKUP);
        assertThat(events.getLast()).isEqualTo("BACKUP:" + Reason.HIGHER_PRIORITY_ADVERT);
        awaitOnlyHolder("lb2");
        awaitClientReaches("lb2");
        assertCleanInterop("keepalived-1.log", "keepalived-2.log");
    }

    @Test
    void cuttingTandemsLinkMakesKeepalivedMasterAndHealingGivesItBack() throws Exception {
        createLab(83);
        startKeepalived(keepalivedConfig(100), "keepalived.log");
        AgentNode tandem = startTandem(tandemResources(150, 100));
        awaitTandem(tandem, RouterState.MASTER);
        awaitKeepalived("keepalived.log", "BACKUP");
        awaitOnlyHolder("lb1");

        lab.cut("lb1");
        awaitKeepalived("keepalived.log", "MASTER");
        // lb1 still holds the address behind its cut cable; the client must reach keepalived's node.
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(lab.addresses("lb2")).contains(vip() + "/32"));
        awaitClientReaches("lb2");

        lab.heal("lb1");
        // keepalived hears priority 150 and steps down; tandem, master throughout, announces again.
        awaitKeepalived("keepalived.log", "BACKUP");
        assertThat(tandem.loop().state()).isEqualTo(RouterState.MASTER);
        awaitOnlyHolder("lb1");
        awaitClientReaches("lb1");
        assertThat(read(tmp.resolve("keepalived.log"))).contains("higher priority 150");
        assertCleanInterop("keepalived.log");
    }

    @Test
    void tandemAsBackupFollowsTheSlowerIntervalOfAKeepalivedMaster() throws Exception {
        createLab(84);
        startKeepalived(keepalivedConfig(150, "1"), "keepalived.log");
        awaitKeepalived("keepalived.log", "MASTER");
        AgentNode tandem = startTandem(tandemResources(100, 150, "50ms"));
        awaitTandem(tandem, RouterState.BACKUP);
        awaitOnlyHolder("lb2");
        // A backup uses the master's advertised interval (RFC 5798 §6.4.2): 3 s of silence, not 150 ms.
        await().atMost(Duration.ofSeconds(3)).until(() -> tandem.loop().router().masterAdverIntervalCentis() == 100);
        int seen = events.size();
        Thread.sleep(4000);
        assertThat(events.subList(seen, events.size())).as("no takeover between keepalived's 1 s adverts").isEmpty();
        assertThat(tandem.loop().state()).isEqualTo(RouterState.BACKUP);
        assertThat(lab.holders(vip() + "/32")).containsExactly("lb2");
        assertCleanInterop("keepalived.log");
    }

    @Test
    void keepalivedAsBackupFollowsTheSlowerIntervalOfATandemMaster() throws Exception {
        createLab(85);
        AgentNode tandem = startTandem(tandemResources(150, 100, "1s"));
        awaitTandem(tandem, RouterState.MASTER);
        startKeepalived(keepalivedConfig(100, "0.05"), "keepalived.log");
        awaitKeepalived("keepalived.log", "BACKUP");
        awaitOnlyHolder("lb1");
        // Before it hears the first advert keepalived times out on its own 50 ms (RFC behaviour, a brief MASTER);
        // once it has heard tandem it must use the advertised 1 s and stay BACKUP.
        Thread.sleep(1500);
        awaitKeepalived("keepalived.log", "BACKUP");
        List<String> settled = keepalivedStates("keepalived.log");
        assertThat(settled.getLast()).isEqualTo("BACKUP");
        Thread.sleep(4000);
        String log = read(tmp.resolve("keepalived.log"));
        assertThat(keepalivedStates("keepalived.log")).as("keepalived follows tandem's 1 s interval, log:%n%s", log)
                .isEqualTo(settled);
        assertThat(log).as("keepalived read the interval field of tandem's adverts")
                .doesNotContainPattern("interval updated from \\d+ms to (?!1000ms)");
        assertThat(tandem.loop().state()).isEqualTo(RouterState.MASTER);
        assertThat(lab.holders(vip() + "/32")).containsExactly("lb1");
        assertCleanInterop("keepalived.log");
    }
}
