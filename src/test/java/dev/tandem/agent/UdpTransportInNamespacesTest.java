package dev.tandem.agent;

import dev.tandem.agent.election.AgentNode;
import dev.tandem.net.NetworkNamespace;
import dev.tandem.net.VrrpSocket;
import dev.tandem.vrrp.Advert;
import dev.tandem.vrrp.AdvertCodec;
import dev.tandem.vrrp.IpAddress;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;
import dev.tandem.vrrp.udp.AuthKey;
import dev.tandem.vrrp.udp.UdpAdvertCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The udp transport in network namespaces: the election in HMAC-SHA256-authenticated UDP datagrams between the
 * members' addresses, on a network that drops IP protocol 112; what a third host on the link can and cannot do
 * without the key; and a key rotation that costs no failover.
 */
class UdpTransportInNamespacesTest {
    static final int ROUTER_ID = 68;
    static final int PORT = 5798;
    static final String KEY = "q6J0hWq8r3p1x0yDkU5mS2n4T7vB9cZaE3fGhJkL0mN=";
    static final String NEW_KEY = "Zx9Wv8Ut7Sr6Qp5On4Ml3Kj2Ih1Gf0EdCbA+/zyxwvu=";
    static final String UDP = "transport: {type: udp, udp: {authSecretRef: {name: web-auth}}}";

    LabAgents agents;
    LabNet lab;
    Path pairFile;
    Duration rotation;

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNamespaces() {
        LabNet.assumeAvailable("UdpTransportInNamespacesTest");
    }

    @AfterEach
    void tearDown() {
        if (agents != null) {
            agents.close();
        }
    }

    String vip() {
        return lab.subnet + "100";
    }

    Path credentials(String node) {
        return tmp.resolve(node + "-credentials");
    }

    /** Writes the node's key files (as a mounted Secret would hold them); previous may be null. */
    void keys(String node, String key, String previous) throws Exception {
        Path dir = credentials(node).resolve("web-auth");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("key"), key + "\n");
        if (previous == null) {
            Files.deleteIfExists(dir.resolve("previousKey"));
        } else {
            Files.writeString(dir.resolve("previousKey"), previous + "\n");
        }
    }

    AgentNode[] startPair(int subnet, String pairSpec, Duration rotationWindow, String... more) throws Exception {
        String[] nodes = new String[2 + more.length];
        nodes[0] = "lb1";
        nodes[1] = "lb2";
        System.arraycopy(more, 0, nodes, 2, more.length);
        lab = LabNet.create(subnet, nodes);
        agents = new LabAgents(lab);
        pairFile = tmp.resolve("web.yaml");
        rotation = rotationWindow;
        Files.writeString(pairFile, lab.webPair(ROUTER_ID, "eth0", pairSpec));
        keys("lb1", KEY, null);
        keys("lb2", KEY, null);
        AgentNode lb1 = agents.start("lb1", pairFile, credentials("lb1"), rotationWindow);
        agents.awaitState(lb1, RouterState.MASTER);
        AgentNode lb2 = agents.start("lb2", pairFile, credentials("lb2"), rotationWindow);
        agents.awaitState(lb2, RouterState.BACKUP);
        return new AgentNode[] {lb1, lb2};
    }

    /** Starts the node's agent again, as after a restart of its pod. */
    AgentNode start(String node) throws Exception {
        return agents.start(node, pairFile, credentials(node), rotation);
    }

    /**
     * What went wrong on the node: problems, rejected adverts, dropped datagrams. An advert of a peer that reaches a
     * member in the round trip after its start, before the peer answered its hello, is dropped as {@code unconfirmed}
     * by design; that is not counted here.
     */
    List<String> troubles(String node) {
        return agents.events(node).stream().filter(e -> e.startsWith("dropped:") || e.startsWith("rejected:")
                || e.startsWith("problem:")).filter(e -> !e.startsWith("dropped:UNCONFIRMED:")).toList();
    }

    void awaitClientOn(String node) {
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            assertThat(lab.ping("client", vip())).as("client pings %s", vip()).isTrue();
            assertThat(lab.neighbour("client", vip())).as("client's ARP entry, events %s", agents.events)
                    .isEqualTo(lab.mac(node));
        });
    }

    double dropped(String node, String reason) {
        return agents.counter(node, "tandem.agent.adverts.rejected", "reason", reason);
    }

    @Test
    void aUdpPairElectsFailsOverAndHandsOverWhereIpProtocol112IsDropped() throws Exception {
        AgentNode[] pair = startPair(111, UDP, Duration.ofSeconds(60), "client");
        AgentNode lb1 = pair[0];
        AgentNode lb2 = pair[1];
        lab.dropIpProtocol("lb1", 112);
        lab.dropIpProtocol("lb2", 112);
        Thread.sleep(500);
        assertThat(agents.transitions("lb2")).as("lb2 hears lb1 over UDP").containsExactly("BACKUP:STARTUP");
        assertThat(agents.counter("lb2", "tandem.agent.adverts.received")).isPositive();
        awaitClientOn("lb1");

        lab.cut("lb1");
        agents.awaitState(lb2, RouterState.MASTER);
        assertThat(agents.transitions("lb2")).last().isEqualTo("MASTER:" + Reason.MASTER_DOWN);
        awaitClientOn("lb2");
        lab.heal("lb1");
        agents.awaitState(lb1, RouterState.MASTER);
        agents.awaitState(lb2, RouterState.BACKUP);
        awaitClientOn("lb1");

        agents.stop(lb1);
        agents.awaitState(lb2, RouterState.MASTER);
        assertThat(agents.transitions("lb2")).last().isEqualTo("MASTER:" + Reason.PRIORITY_ZERO_RECEIVED);
        awaitClientOn("lb2");
        for (String node : List.of("lb1", "lb2")) {
            assertThat(troubles(node)).as("nothing dropped or rejected on %s", node).isEmpty();
        }
    }

    @Test
    void forgedAdvertsFromAThirdHostWithoutTheKeyAreCountedAndChangeNothing() throws Exception {
        AgentNode[] pair = startPair(112, UDP, Duration.ofSeconds(60), "client", "mallory");
        AgentNode lb1 = pair[0];
        AgentNode lb2 = pair[1];
        IpAddress lb1Address = IpAddress.parse(lab.address("lb1"));
        IpAddress lb2Address = IpAddress.parse(lab.address("lb2"));
        IpAddress mallory = IpAddress.parse(lab.address("mallory"));
        // The right router id, the top priority, and what mallory can see on the wire: addresses and the key id.
        Advert takeover = Advert.of(ROUTER_ID, 254, 5, List.of(IpAddress.parse(vip())));
        int realKeyId = AuthKey.fromStored((KEY + "\n").getBytes(StandardCharsets.US_ASCII), "k").id();
        AuthKey guessed = AuthKey.of("mallory's own key, 32 bytes long!".getBytes(StandardCharsets.US_ASCII), "m");
        byte[] plainVrrp = AdvertCodec.encode(takeover, lb1Address, lb2Address);
        byte[] unknownKey = UdpAdvertCodec.seal(guessed, Long.MAX_VALUE, lb1Address, plainVrrp);
        byte[] forgedMac = unknownKey.clone();
        forgedMac[8] = (byte) (realKeyId >>> 24);
        forgedMac[9] = (byte) (realKeyId >>> 16);
        forgedMac[10] = (byte) (realKeyId >>> 8);
        forgedMac[11] = (byte) realKeyId;
        byte[] truncated = java.util.Arrays.copyOf(unknownKey, 30);
        List<byte[]> forgeries = List.of(plainVrrp, unknownKey, forgedMac, truncated);

        NetworkNamespace.call(lab.nsPath("mallory"), () -> {
            try (DatagramChannel udp = DatagramChannel.open();
                 VrrpSocket raw = VrrpSocket.openIpv4("eth0", false, mallory.bytes())) {
                for (int round = 0; round < 20; round++) {
                    for (IpAddress member : List.of(lb1Address, lb2Address)) {
                        for (byte[] f : forgeries) {
                            udp.send(ByteBuffer.wrap(f), new InetSocketAddress(InetAddress.getByAddress(member.bytes()), PORT));
                        }
                        // Plain VRRP over protocol 112 as well: the udp transport does not listen to it at all.
                        raw.send(AdvertCodec.encode(takeover, mallory, member), member.bytes());
                    }
                    Thread.sleep(10);
                }
            }
            return null;
        });
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (String node : List.of("lb1", "lb2")) {
                assertThat(dropped(node, "not_tandem")).as("%s not_tandem", node).isEqualTo(20);
                assertThat(dropped(node, "unknown_key")).as("%s unknown_key", node).isEqualTo(20);
                assertThat(dropped(node, "bad_mac")).as("%s bad_mac", node).isEqualTo(20);
                assertThat(dropped(node, "truncated")).as("%s truncated", node).isEqualTo(20);
            }
        });
        Thread.sleep(300);
        assertThat(lb1.loop().state()).isEqualTo(RouterState.MASTER);
        assertThat(lb2.loop().state()).isEqualTo(RouterState.BACKUP);
        assertThat(agents.transitions("lb1")).containsExactly("BACKUP:STARTUP", "MASTER:" + Reason.MASTER_DOWN);
        assertThat(agents.transitions("lb2")).containsExactly("BACKUP:STARTUP");
        assertThat(lab.holders(vip() + "/32")).containsExactly("lb1");
    }

    @Test
    void authenticMessagesReplayedOrSentFromElsewhereAreCountedAndChangeNothing() throws Exception {
        AgentNode[] pair = startPair(113, UDP, Duration.ofSeconds(60), "mallory");
        AgentNode lb2 = pair[1];
        // lb2 has confirmed lb1 (the handshake) and heard it.
        await().atMost(Duration.ofSeconds(2)).until(() -> agents.counter("lb2", "tandem.agent.adverts.received") > 0);
        IpAddress lb1Address = IpAddress.parse(lab.address("lb1"));
        IpAddress lb2Address = IpAddress.parse(lab.address("lb2"));
        // Authentic messages of lb1, as recorded earlier: its counter then was lower than any it sends now.
        AuthKey key = AuthKey.fromStored((KEY + "\n").getBytes(StandardCharsets.US_ASCII), "k");
        byte[] old = UdpAdvertCodec.seal(key, 1_000, lb1Address,
                AdvertCodec.encode(Advert.of(ROUTER_ID, 0, 5, List.of(IpAddress.parse(vip()))), lb1Address, lb2Address));
        // A priority-0 advert would make lb2 take over after its skew time, were it believed.
        lab.exec(List.of("ip", "netns", "exec", lab.ns("mallory"), "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=8"));
        NetworkNamespace.call(lab.nsPath("mallory"), () -> {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getByAddress(lb2Address.bytes()), PORT);
            try (DatagramChannel fromMallory = DatagramChannel.open()) {
                fromMallory.send(ByteBuffer.wrap(old), to);
            }
            return null;
        });
        // Sent from lb1's own address (mallory took it on as a second address, answering no ARP for it).
        lab.ip("-n", lab.ns("mallory"), "addr", "add", lab.address("lb1") + "/32", "dev", "eth0");
        NetworkNamespace.call(lab.nsPath("mallory"), () -> {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getByAddress(lb2Address.bytes()), PORT);
            try (DatagramChannel spoofed = DatagramChannel.open()) {
                spoofed.bind(new InetSocketAddress(InetAddress.getByAddress(lb1Address.bytes()), 0));
                for (int i = 0; i < 5; i++) {
                    spoofed.send(ByteBuffer.wrap(old), to);
                    Thread.sleep(20);
                }
            }
            return null;
        });
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(dropped("lb2", "sender_mismatch")).as("events %s", agents.events).isEqualTo(1);
            assertThat(dropped("lb2", "replayed")).as("events %s", agents.events).isEqualTo(5);
        });
        Thread.sleep(300);
        assertThat(lb2.loop().state()).isEqualTo(RouterState.BACKUP);
        assertThat(agents.transitions("lb2")).containsExactly("BACKUP:STARTUP");
    }

    /**
     * The gap the handshake closes: right after lb2 restarts, mallory replays lb1's authentic priority-0 advert,
     * recorded before the restart, from lb1's own address, again and again. Were it believed, lb2 would take over after
     * its skew time (RFC 5798 §6.4.2) whenever lb1's next advert came later than that. lb2 drops it, as
     * {@code unconfirmed} until lb1 answered its hello and as {@code replayed} after, and stays backup every time.
     */
    @Test
    void aRestartedBackupBelievesNoReplayedAdvertOfTheMasterAndStaysBackup() throws Exception {
        AgentNode[] pair = startPair(117, UDP, Duration.ofSeconds(60), "client", "mallory");
        AgentNode lb1 = pair[0];
        AgentNode lb2 = pair[1];
        IpAddress lb1Address = IpAddress.parse(lab.address("lb1"));
        IpAddress lb2Address = IpAddress.parse(lab.address("lb2"));
        // What lb1 sent when it left gracefully, as mallory recorded it: authentic, with lb1's counter of that moment.
        AuthKey key = AuthKey.fromStored((KEY + "\n").getBytes(StandardCharsets.US_ASCII), "k");
        long recordedAt = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, java.time.Instant.now());
        byte[] leaving = UdpAdvertCodec.seal(key, recordedAt, lb1Address,
                AdvertCodec.encode(Advert.of(ROUTER_ID, 0, 5, List.of(IpAddress.parse(vip()))), lb1Address, lb2Address));
        // Mallory sends from lb1's address but takes no traffic away from lb1: it answers no ARP for it, and knows
        // lb2's MAC already, so it sends no ARP request from lb1's address either (which would point lb2's neighbour
        // entry for lb1 at mallory, and lb2's hellos with it).
        lab.exec(List.of("ip", "netns", "exec", lab.ns("mallory"), "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=8"));
        lab.ip("-n", lab.ns("mallory"), "neigh", "replace", lab.address("lb2"), "lladdr", lab.mac("lb2"), "dev", "eth0",
                "nud", "permanent");
        lab.ip("-n", lab.ns("mallory"), "addr", "add", lab.address("lb1") + "/32", "dev", "eth0");

        for (int restart = 1; restart <= 4; restart++) {
            agents.stop(lb2);
            java.util.concurrent.atomic.AtomicBoolean replaying = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicInteger replays = new java.util.concurrent.atomic.AtomicInteger();
            Thread mallory = Thread.ofPlatform().start(() -> {
                try {
                    NetworkNamespace.call(lab.nsPath("mallory"), () -> {
                        InetSocketAddress to = new InetSocketAddress(InetAddress.getByAddress(lb2Address.bytes()), PORT);
                        try (DatagramChannel spoofed = DatagramChannel.open()) {
                            spoofed.bind(new InetSocketAddress(InetAddress.getByAddress(lb1Address.bytes()), 0));
                            while (replaying.get()) {
                                spoofed.send(ByteBuffer.wrap(leaving), to);
                                replays.incrementAndGet();
                                Thread.sleep(2);
                            }
                        }
                        return null;
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(20); // replays are on the wire before lb2 opens its socket
            lb2 = start("lb2");
            Thread.sleep(600);
            replaying.set(false);
            mallory.join();

            assertThat(lb2.loop().state()).as("restart %d, events %s", restart, agents.events("lb2"))
                    .isEqualTo(RouterState.BACKUP);
            double refused = dropped("lb2", "unconfirmed") + dropped("lb2", "replayed");
            assertThat(refused).as("restart %d: replays refused of %d sent", restart, replays.get()).isGreaterThan(100);
            assertThat(dropped("lb2", "replayed")).as("refused after lb1 answered, too").isPositive();
            assertThat(dropped("lb2", "sender_mismatch") + dropped("lb2", "bad_mac")).as("authentic, from lb1's address")
                    .isZero();
        }
        assertThat(agents.transitions("lb2")).as("never MASTER").noneMatch(t -> t.startsWith("MASTER"));
        assertThat(lb1.loop().state()).isEqualTo(RouterState.MASTER);
        assertThat(agents.transitions("lb1")).containsExactly("BACKUP:STARTUP", "MASTER:" + Reason.MASTER_DOWN);
        assertThat(lab.holders(vip() + "/32")).containsExactly("lb1");
        awaitClientOn("lb1");
    }

    /**
     * The handshake costs no failover: a backup that restarts while the master runs confirms the master within one
     * round trip, far inside its first Master_Down_Interval, and the master notices nothing.
     */
    @Test
    void restartingTheBackupCostsNoFailover() throws Exception {
        AgentNode[] pair = startPair(118, UDP, Duration.ofSeconds(60), "client");
        AgentNode lb1 = pair[0];
        AgentNode lb2 = pair[1];
        for (int restart = 1; restart <= 5; restart++) {
            agents.stop(lb2);
            Thread.sleep(restart * 30L); // a little later each time against the phase of lb1's adverts
            lb2 = start("lb2");
            agents.awaitState(lb2, RouterState.BACKUP);
            await().atMost(Duration.ofSeconds(2)).until(() -> agents.counter("lb2", "tandem.agent.adverts.received") > 2);
        }
        Thread.sleep(300);
        assertThat(lb1.loop().state()).isEqualTo(RouterState.MASTER);
        assertThat(lb2.loop().state()).isEqualTo(RouterState.BACKUP);
        assertThat(agents.transitions("lb1")).as("the master noticed nothing")
                .containsExactly("BACKUP:STARTUP", "MASTER:" + Reason.MASTER_DOWN);
        List<String> expected = new java.util.ArrayList<>(List.of("BACKUP:STARTUP"));
        for (int i = 0; i < 5; i++) {
            expected.addAll(List.of("INITIALIZE:" + Reason.SHUTDOWN, "BACKUP:STARTUP"));
        }
        assertThat(agents.transitions("lb2")).containsExactlyElementsOf(expected);
        List<Long> confirmedAfterMillis = agents.events("lb2").stream().filter(e -> e.startsWith("confirmed:"))
                .map(e -> Long.parseLong(e.substring(e.lastIndexOf(':') + 1)) / 1_000_000).toList();
        assertThat(confirmedAfterMillis).as("lb2 confirmed lb1 once per start").hasSize(6)
                .allSatisfy(ms -> assertThat(ms).isLessThan(1000));
        for (String node : List.of("lb1", "lb2")) {
            assertThat(troubles(node)).as("on %s", node).isEmpty();
        }
        assertThat(lab.holders(vip() + "/32")).containsExactly("lb1");
        awaitClientOn("lb1");
    }

    @Test
    void aForgedAdvertTakesTheAddressAwayFromAPlainVrrpPairWhichIsWhatTheUdpTransportPrevents() throws Exception {
        AgentNode[] pair = startPair(114, "", null, "mallory");
        AgentNode lb1 = pair[0];
        IpAddress lb1Address = IpAddress.parse(lab.address("lb1"));
        IpAddress mallory = IpAddress.parse(lab.address("mallory"));
        NetworkNamespace.call(lab.nsPath("mallory"), () -> {
            try (VrrpSocket raw = VrrpSocket.openIpv4("eth0", false, mallory.bytes())) {
                raw.send(AdvertCodec.encode(Advert.of(ROUTER_ID, 254, 5, List.of(IpAddress.parse(vip()))), mallory,
                        lb1Address), lb1Address.bytes());
            }
            return null;
        });
        agents.awaitState(lb1, RouterState.BACKUP);
        assertThat(agents.transitions("lb1")).last().isEqualTo("BACKUP:" + Reason.HIGHER_PRIORITY_ADVERT);
    }

    @Test
    void aKeyRotationAcrossBothMembersCostsNoFailover() throws Exception {
        Duration window = Duration.ofSeconds(5);
        AgentNode[] pair = startPair(115, UDP, window);
        AgentNode lb1 = pair[0];
        AgentNode lb2 = pair[1];

        // The operator edits the Secret: the new key in key, the old one in previousKey. lb1's copy changes first,
        // lb2's a second later; each signs with the old key for the window after it saw the change.
        keys("lb1", NEW_KEY, KEY);
        Thread.sleep(1000);
        keys("lb2", NEW_KEY, KEY);
        Thread.sleep(window.toMillis() + 2 * 2000 + 1000);
        // Both sign with the new key by now: take the old one away from lb2 first. Had lb1 still signed with the old
        // key, lb2 would drop its adverts and take over.
        keys("lb2", NEW_KEY, null);
        Thread.sleep(2 * 2000 + 1000);
        keys("lb1", NEW_KEY, null);
        Thread.sleep(2 * 2000 + 1000);

        assertThat(lb1.loop().state()).isEqualTo(RouterState.MASTER);
        assertThat(lb2.loop().state()).isEqualTo(RouterState.BACKUP);
        assertThat(agents.transitions("lb1")).containsExactly("BACKUP:STARTUP", "MASTER:" + Reason.MASTER_DOWN);
        assertThat(agents.transitions("lb2")).containsExactly("BACKUP:STARTUP");
        for (String node : List.of("lb1", "lb2")) {
            assertThat(troubles(node)).as("nothing dropped on %s", node).isEmpty();
        }

        // A swap without previousKey on one member only is what the window exists to avoid: lb2 drops lb1's adverts.
        keys("lb1", KEY, null);
        agents.awaitState(lb2, RouterState.MASTER);
        assertThat(dropped("lb2", "unknown_key")).isPositive();
    }

    @Test
    void afterAPartitionTheUdpPairConvergesToOneMaster() throws Exception {
        AgentNode[] pair = startPair(116, UDP, Duration.ofSeconds(60), "client");
        AgentNode lb1 = pair[0];
        AgentNode lb2 = pair[1];
        lab.isolate("lb1", true);
        lab.isolate("lb2", true);
        agents.awaitState(lb2, RouterState.MASTER);
        awaitClientOn("lb2");
        lab.isolate("lb1", false);
        lab.isolate("lb2", false);
        agents.awaitState(lb2, RouterState.BACKUP);
        assertThat(lb1.loop().state()).isEqualTo(RouterState.MASTER);
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(lab.holders(vip() + "/32")).containsExactly("lb1"));
        awaitClientOn("lb1");
    }
}
