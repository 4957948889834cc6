package dev.tandem.net;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * What a {@link UdpVrrpSocket} does to every datagram besides sending and receiving it: the udp transport's
 * authentication, which lives with the election (package {@code dev.tandem.vrrp.udp}), not with the socket. Besides
 * the VRRP messages, an envelope may exchange datagrams of its own with the peers (the udp transport's freshness
 * handshake): answers to what it opens, and datagrams on a timer, which the socket sends while the election waits in
 * {@link UdpVrrpSocket#receive}.
 */
public interface DatagramEnvelope {
    /** The datagram that carries {@code vrrpMessage}. */
    byte[] seal(byte[] vrrpMessage);

    /**
     * Takes the VRRP message out of a datagram that came from {@code source}.
     *
     * @param out     where to copy the message, from {@code outOffset} on; at most {@code out.length - outOffset} bytes
     * @param replies sends the envelope's own datagrams that this one calls for, to the socket's port of a peer
     * @return the message's length, or -1 when the datagram carries none for the election: dropped (the envelope
     *         reports why itself) or the envelope's own
     */
    int open(byte[] datagram, int length, byte[] source, byte[] out, int outOffset, Outbox replies);

    /** When {@link #sendDue} next has something to send, on the {@link System#nanoTime()} scale; empty for never. */
    default OptionalLong nextDueNanos() {
        return OptionalLong.empty();
    }

    /** Sends the envelope's own datagrams that are due at {@code nowNanos}. */
    default void sendDue(long nowNanos, Outbox outbox) {
    }

    /** Sends one datagram to the socket's port at {@code destination}, an address of the socket's family. */
    @FunctionalInterface
    interface Outbox {
        void send(byte[] datagram, byte[] destination) throws IOException;
    }
}
