package dev.tandem.agent.election;

import dev.tandem.net.DatagramEnvelope;
import dev.tandem.vrrp.IpAddress;
import dev.tandem.vrrp.udp.UdpAuthenticator;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.OptionalLong;

/**
 * The udp socket's envelope: the pure {@link UdpAuthenticator} on the wire, with every dropped datagram reported to
 * the listener (metrics by reason, a rate-limited log line), and the authenticator's hellos and acks sent as it asks.
 * Called on the election thread (and once by the thread that opens the socket).
 */
final class UdpEnvelope implements DatagramEnvelope {
    private final UdpAuthenticator authenticator;
    private final ElectionListener listener;

    UdpEnvelope(UdpAuthenticator authenticator, ElectionListener listener) {
        this.authenticator = authenticator;
        this.listener = listener;
    }

    @Override
    public byte[] seal(byte[] vrrpMessage) {
        return authenticator.seal(vrrpMessage, System.nanoTime());
    }

    @Override
    public int open(byte[] datagram, int length, byte[] source, byte[] out, int outOffset, Outbox replies) {
        UdpAuthenticator.Received received = authenticator.open(datagram, 0, length, IpAddress.of(source),
                System.nanoTime());
        send(received.replies(), replies);
        return switch (received) {
            case UdpAuthenticator.Received.Dropped d -> {
                listener.datagramRejected(d.reason(), d.message() + " (from " + IpAddress.of(source) + ")");
                yield -1;
            }
            case UdpAuthenticator.Received.Handshake h -> {
                if (h.confirmed()) {
                    listener.udpPeerConfirmed(h.peer().toString(), h.confirmedAfterNanos());
                }
                yield -1;
            }
            case UdpAuthenticator.Received.Advert a -> {
                if (a.vrrpLength() > out.length - outOffset) {
                    yield -1; // cannot happen with the loop's buffer: an advert has at most 255 addresses
                }
                System.arraycopy(datagram, a.vrrpOffset(), out, outOffset, a.vrrpLength());
                yield a.vrrpLength();
            }
        };
    }

    @Override
    public OptionalLong nextDueNanos() {
        return authenticator.nextHelloNanos();
    }

    @Override
    public void sendDue(long nowNanos, Outbox outbox) {
        send(authenticator.hellosDue(nowNanos), outbox);
    }

    private void send(List<UdpAuthenticator.Outgoing> datagrams, Outbox outbox) {
        for (UdpAuthenticator.Outgoing o : datagrams) {
            try {
                outbox.send(o.datagram(), o.to().bytes());
            } catch (ClosedChannelException closing) {
                return; // the agent is stopping; the election's own receive reports a socket closed under it
            } catch (IOException e) {
                // As for an advert: the hello is retried on its schedule, an ack answers the peer's next hello.
                listener.problem("cannot send a udp transport handshake datagram to " + o.to() + ": " + e.getMessage());
            }
        }
    }
}
