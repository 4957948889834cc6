package dev.tandem.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Link notifications in a namespace with a veth pair va/vb (vb in a second namespace): taking the peer down takes
 * va's carrier away, and the monitor must report that without being asked, and the return of it.
 */
class LinkMonitorTest {
    NetNs a;
    NetNs b;
    LinkMonitor monitor;

    @BeforeEach
    void namespaces() throws Exception {
        NetNs.assumeAvailable();
        a = NetNs.create();
        b = NetNs.create();
        NetNs.veth(a, "va", b, "vb");
        monitor = a.call(LinkMonitor::open);
    }

    @AfterEach
    void cleanUp() {
        if (monitor != null) {
            monitor.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void carrierLossAndReturnOfThePeerAreReported() throws Exception {
        b.ip("link", "set", "vb", "down");
        awaitCarrier("va", false);

        b.ip("link", "set", "vb", "up");
        awaitCarrier("va", true);
    }

    @Test
    void aQuietLinkTimesOutWithNothing() throws Exception {
        long start = System.nanoTime();
        assertThat(monitor.next(Duration.ofMillis(100))).isEmpty();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    }

    @Test
    void closeEndsAWait() throws Exception {
        CompletableFuture<List<LinkMonitor.Change>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return monitor.next(Duration.ofMinutes(1));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Thread.sleep(100);
        monitor.close();
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(AsynchronousCloseException.class);
    }

    @Test
    void otherMessagesInANotificationAreSkipped() {
        // RTM_NEWADDR (20) with an ifaddrmsg: not a link message, so no change.
        ByteBuffer datagram = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
        datagram.putInt(24).putShort((short) 20).putShort((short) 0).putInt(0).putInt(0);
        datagram.put(new byte[8]).flip();
        assertThat(LinkMonitor.parse(datagram)).isEmpty();
    }

    /** Waits up to 5 s for a notification about {@code name} with the given carrier; fails listing what came. */
    private void awaitCarrier(String name, boolean carrier) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<LinkMonitor.Change> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (LinkMonitor.Change c : monitor.next(Duration.ofMillis(200))) {
                seen.add(c);
                if (c.name().equals(name) && c.carrier() == carrier && !c.removed()) {
                    return;
                }
            }
        }
        throw new AssertionError("no notification of " + name + " with carrier " + carrier + " within 5 s; saw "
                + seen);
    }
}
