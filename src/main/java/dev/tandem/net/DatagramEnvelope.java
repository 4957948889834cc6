package dev.tandem.net;

/**
 * What a {@link UdpVrrpSocket} does to every datagram besides sending and receiving it: the udp transport's
 * authentication, which lives with the election (package {@code dev.tandem.vrrp.udp}), not with the socket.
 */
public interface DatagramEnvelope {
    /** The datagram that carries {@code vrrpMessage}. */
    byte[] seal(byte[] vrrpMessage);

    /**
     * Takes the VRRP message out of a datagram that came from {@code source}.
     *
     * @param out where to copy the message, from {@code outOffset} on; at most {@code out.length - outOffset} bytes
     * @return the message's length, or -1 when the datagram must be dropped (the envelope reports why itself)
     */
    int open(byte[] datagram, int length, byte[] source, byte[] out, int outOffset);
}
