package dev.tandem.agent.election;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.election.ElectionLoopSplitBrainTest.FakeSocket;
import dev.tandem.api.v1alpha1.TransportSpec;
import dev.tandem.net.AddressInstaller;
import dev.tandem.net.Announcer;
import dev.tandem.net.InstalledAddress;
import dev.tandem.vrrp.IpAddress;
import dev.tandem.vrrp.RouterState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Before the election starts, the loop runs a takeover's code once against the rehearsals of the socket, installer and
 * announcer, so that the first real takeover does not pay for class loading; nothing real happens in the rehearsal.
 */
class ElectionLoopRehearsalTest {
    static final IpAddress SELF = IpAddress.parse("10.0.0.2");
    static final IpAddress PEER = IpAddress.parse("10.0.0.1");

    final FakeSocket socket = new FakeSocket();
    /** Everything that reached the installer and announcer, rehearsals and real calls, in order. */
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
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

    void start(List<PairPlan.Layer2Address> addresses) {
        PairPlan plan = new PairPlan("ns", "web", "lb2", 100, SELF.toString(),
                List.of(new PairPlan.Peer("lb1", PEER.toString())), "eth0", 9, 5, true, Duration.ZERO,
                TransportSpec.Type.vrrp, false, List.of(), addresses, List.of(), null);
        AddressInstaller installer = new AddressInstaller() {
            @Override
            public void add(String interfaceName, byte[] address, int prefixLength) {
                log.add("add " + IpAddress.of(address) + "/" + prefixLength + " on " + interfaceName);
            }

            @Override
            public void rehearseAdd(String interfaceName, byte[] address, int prefixLength) {
                log.add("rehearse add " + IpAddress.of(address) + "/" + prefixLength + " on " + interfaceName);
            }

            @Override
            public void remove(String interfaceName, byte[] address, int prefixLength) {
                log.add("remove " + IpAddress.of(address));
            }

            @Override
            public List<InstalledAddress> listOwned(String interfaceName) {
                return List.of();
            }
        };
        Announcer announcer = new Announcer() {
            @Override
            public int announce(String interfaceName, byte[] address) {
                log.add("announce " + IpAddress.of(address));
                return 2;
            }

            @Override
            public void rehearse(String interfaceName, byte[] address) {
                log.add("rehearse announce " + IpAddress.of(address));
            }

            @Override
            public void close() {
            }
        };
        ElectionListener listener = new ElectionListener() {
            @Override
            public void problem(String message) {
                problems.add(message);
            }
        };
        loop = new ElectionLoop(plan, socket, installer, announcer, scheduler, listener, iface -> true);
        thread = Thread.ofPlatform().start(loop);
    }

    @Test
    void aTakeoverIsRehearsedBeforeTheElectionStartsAndNothingRealHappensInIt() {
        start(List.of(
                new PairPlan.Layer2Address("vip", "10.0.0.100", 32, null, 1, Duration.ofMillis(10), null),
                // configureOnHost: installed but never announced (the provider routes it)
                new PairPlan.Layer2Address("cloud", "203.0.113.5", 32, null, 0, Duration.ofMillis(10), null)));

        await().atMost(Duration.ofSeconds(2)).until(() -> loop.state() == RouterState.BACKUP);
        // The rehearsal, then the start into BACKUP, which makes sure no address is held (absent is success).
        assertThat(log).containsExactly("rehearse add 10.0.0.100/32 on eth0", "rehearse announce 10.0.0.100",
                "rehearse add 203.0.113.5/32 on eth0", "remove 10.0.0.100", "remove 203.0.113.5");
        assertThat(socket.log).as("the first advert a MASTER would send, to the peer, rehearsed only")
                .containsExactly("rehearsed 100 to 10.0.0.1");
        assertThat(socket.sent).isEmpty();
        assertThat(problems).isEmpty();

        // With nobody advertising, the member takes over for real: now the real calls come.
        await().atMost(Duration.ofSeconds(2)).until(() -> loop.state() == RouterState.MASTER);
        await().atMost(Duration.ofSeconds(1)).until(() -> log.contains("announce 10.0.0.100"));
        assertThat(log.subList(5, log.size())).startsWith("add 10.0.0.100/32 on eth0", "add 203.0.113.5/32 on eth0",
                "announce 10.0.0.100");
        assertThat(socket.sent).isNotEmpty();
    }
}
