package dev.tandem.agent.election;

import dev.tandem.agent.PairPlan;
import dev.tandem.api.v1alpha1.TransportSpec;
import dev.tandem.net.AddressInstaller;
import dev.tandem.net.Announcer;
import dev.tandem.net.InstalledAddress;
import dev.tandem.net.VrrpSocket;
import dev.tandem.vrrp.Advert;
import dev.tandem.vrrp.AdvertCodec;
import dev.tandem.vrrp.DecodeResult;
import dev.tandem.vrrp.IpAddress;
import dev.tandem.vrrp.RouterState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two members that both believe they are MASTER (a partition healed, one-way loss), as the election loop sees it:
 * which adverts it sends, when it lets go of the addresses and when it announces them again. A fake socket, installer
 * and announcer stand for the network, so the order of packets is the test's choice.
 */
class ElectionLoopSplitBrainTest {
    static final IpAddress SELF = IpAddress.parse("10.0.0.2");
    static final IpAddress PEER = IpAddress.parse("10.0.0.1");
    static final IpAddress VIP = IpAddress.parse("10.0.0.100");
    static final int VRID = 9;

    final FakeSocket socket = new FakeSocket();
    final List<String> installed = new CopyOnWriteArrayList<>();
    final List<String> announced = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    ElectionLoop loop;
    Thread thread;

    @AfterEach
    void tearDown() throws Exception {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(2));
            thread.join(2000);
        }
        scheduler.shutdownNow();
    }

    /** This member at priority 100, adverts every 10 ms, one floating address announced once per mastership. */
    void startAsMaster() {
        PairPlan plan = new PairPlan("ns", "web", "lb2", 100, SELF.toString(), List.of(new PairPlan.Peer("lb1", PEER.toString())),
                "eth0", VRID, 1, true, Duration.ZERO, TransportSpec.Type.vrrp, false, List.of(),
                List.of(new PairPlan.Layer2Address("vip", VIP.toString(), 32, null, 1, Duration.ofMillis(10), null)),
                List.of(), null);
        AddressInstaller installer = new AddressInstaller() {
            @Override
            public void add(String interfaceName, byte[] address, int prefixLength) {
                installed.add(IpAddress.of(address).toString());
            }

            @Override
            public void remove(String interfaceName, byte[] address, int prefixLength) {
                installed.remove(IpAddress.of(address).toString());
            }

            @Override
            public List<InstalledAddress> listOwned(String interfaceName) {
                return List.of();
            }
        };
        Announcer announcer = new Announcer() {
            @Override
            public int announce(String interfaceName, byte[] address) {
                announced.add(IpAddress.of(address).toString());
                return 2;
            }

            @Override
            public void close() {
            }
        };
        ElectionListener listener = new ElectionListener() {
            @Override
            public void transition(dev.tandem.vrrp.Action.Transition t, long takeoverMillis) {
                events.add(t.to() + ":" + t.reason());
            }
        };
        loop = new ElectionLoop(plan, socket, installer, announcer, scheduler, listener, iface -> true);
        thread = Thread.ofPlatform().start(loop);
        await().atMost(Duration.ofSeconds(2)).until(() -> loop.state() == RouterState.MASTER && !announced.isEmpty());
        assertThat(installed).containsExactly(VIP.toString());
    }

    @Test
    void aMasterThatHearsAHigherOneSendsOneAdvertOfItsOwnThenStepsDownAndLetsGo() {
        startAsMaster();

        // The winner keeps advertising every 10 ms, as a live master does.
        scheduler.scheduleAtFixedRate(() -> socket.deliver(advertFromPeer(150)), 0, 10, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(1)).until(() -> loop.state() == RouterState.BACKUP);
        await().atMost(Duration.ofSeconds(1)).until(installed::isEmpty);
        sleep(100);
        assertThat(loop.state()).isEqualTo(RouterState.BACKUP);
        // After the winner's first advert: its last words, priority 100, so that a winner that never heard this member
        // claim MASTER hears it now; then nothing, as a backup is silent.
        List<String> log = List.copyOf(socket.log);
        List<String> after = log.subList(log.indexOf("received 150") + 1, log.size());
        assertThat(after).first().isEqualTo("sent 100 to " + PEER);
        assertThat(after.subList(1, after.size())).isNotEmpty().allMatch("received 150"::equals);
        assertThat(events).containsSubsequence("MASTER:MASTER_DOWN", "BACKUP:HIGHER_PRIORITY_ADVERT");
    }

    @Test
    void aMasterThatHearsALowerMasterAnswersAtOnceAndAnnouncesAgainAtMostOncePerMasterDownInterval() {
        startAsMaster();
        int announcedBefore = announced.size();

        socket.deliver(advertFromPeer(50));
        socket.deliver(advertFromPeer(50));
        // RFC 9568 §6.4.3: the rival hears at once who is master; clients hear it again too, once.
        await().atMost(Duration.ofSeconds(1)).until(() -> socket.log.stream().filter("received 50"::equals).count() == 2);
        sleep(20);
        assertThat(announced).hasSize(announcedBefore + 1);
        List<String> log = List.copyOf(socket.log);
        List<String> after = log.subList(log.indexOf("received 50") + 1, log.size());
        assertThat(after.getFirst()).isEqualTo("sent 100 to " + PEER);
        assertThat(loop.state()).isEqualTo(RouterState.MASTER);
        assertThat(installed).containsExactly(VIP.toString());

        // Master_Down_Interval here is 3 x 10 ms + skew: a rival heard after it is announced against again.
        sleep(60);
        socket.deliver(advertFromPeer(50));
        await().atMost(Duration.ofSeconds(1)).until(() -> announced.size() == announcedBefore + 2);
        assertThat(events).containsExactly("BACKUP:STARTUP", "MASTER:MASTER_DOWN");
    }

    @Test
    void aMasterThatHearsItsPeerResignDoesNotAnnounceAgain() {
        startAsMaster();
        int announcedBefore = announced.size();
        socket.deliver(advertFromPeer(0));
        sleep(100);
        assertThat(loop.state()).isEqualTo(RouterState.MASTER);
        assertThat(announced).hasSize(announcedBefore);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The peer's advert as a raw IPv4 socket delivers it: header (TTL 255, protocol 112) and the VRRP message. */
    static byte[] advertFromPeer(int priority) {
        byte[] vrrp = AdvertCodec.encode(Advert.of(VRID, priority, 1, List.of(VIP)), PEER, SELF);
        byte[] packet = new byte[20 + vrrp.length];
        packet[0] = 0x45;
        packet[2] = (byte) (packet.length >>> 8);
        packet[3] = (byte) packet.length;
        packet[8] = (byte) 255;
        packet[9] = 112;
        System.arraycopy(PEER.bytes(), 0, packet, 12, 4);
        System.arraycopy(SELF.bytes(), 0, packet, 16, 4);
        System.arraycopy(vrrp, 0, packet, 20, vrrp.length);
        return packet;
    }

    record Sent(byte[] payload, IpAddress destination) {
        int priority() {
            DecodeResult d = AdvertCodec.decodeVrrp(payload, 0, payload.length, SELF, destination, 255);
            return ((DecodeResult.Accepted) d).advert().priority();
        }
    }

    static final class FakeSocket implements VrrpSocket {
        static final byte[] WAKE = new byte[0];
        final LinkedBlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        /** What went through the socket in order: "received PRIORITY" as the loop takes it, "sent PRIORITY to ADDRESS". */
        final List<String> log = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        void deliver(byte[] packet) {
            inbound.add(packet);
        }

        @Override
        public void send(byte[] vrrpPayload, byte[] destination) {
            Sent s = new Sent(vrrpPayload.clone(), IpAddress.of(destination));
            sent.add(s);
            log.add("sent " + s.priority() + " to " + s.destination());
        }

        @Override
        public void rehearseSend(byte[] vrrpPayload, byte[] destination) {
            Sent s = new Sent(vrrpPayload.clone(), IpAddress.of(destination));
            log.add("rehearsed " + s.priority() + " to " + s.destination());
        }

        @Override
        public int receive(byte[] buffer, Duration timeout) throws java.io.IOException {
            if (closed) {
                throw new java.nio.channels.AsynchronousCloseException();
            }
            try {
                byte[] p = inbound.poll(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
                if (p == null || p == WAKE) {
                    return -1;
                }
                System.arraycopy(p, 0, buffer, 0, p.length);
                log.add("received " + (p[20 + 2] & 0xFF));
                return p.length;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public void wakeup() {
            inbound.add(WAKE);
        }

        @Override
        public String interfaceName() {
            return "eth0";
        }

        @Override
        public void close() {
            closed = true;
            inbound.add(WAKE);
        }
    }
}
