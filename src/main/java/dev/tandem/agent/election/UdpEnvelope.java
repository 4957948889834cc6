package dev.tandem.agent.election;

import dev.tandem.net.DatagramEnvelope;
import dev.tandem.vrrp.IpAddress;
import dev.tandem.vrrp.udp.UdpAdvertCodec;
import dev.tandem.vrrp.udp.UdpAuthenticator;

/**
 * The udp socket's envelope: the pure {@link UdpAuthenticator} on the wire, with every dropped datagram reported to
 * the listener (metrics by reason, a rate-limited log line). Called on the election thread.
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
    public int open(byte[] datagram, int length, byte[] source, byte[] out, int outOffset) {
        UdpAdvertCodec.Opened opened = authenticator.open(datagram, 0, length, IpAddress.of(source));
        return switch (opened) {
            case UdpAdvertCodec.Opened.Rejected r -> {
                listener.datagramRejected(r.reason(), r.message() + " (from " + IpAddress.of(source) + ")");
                yield -1;
            }
            case UdpAdvertCodec.Opened.Authentic a -> {
                if (a.vrrpLength() > out.length - outOffset) {
                    yield -1; // cannot happen with the loop's buffer: an advert has at most 255 addresses
                }
                System.arraycopy(datagram, a.vrrpOffset(), out, outOffset, a.vrrpLength());
                yield a.vrrpLength();
            }
        };
    }
}
