package dev.tandem.net;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * A raw IP socket for VRRP (IP protocol 112) on one interface: what the election sends adverts through and reads the
 * peers' adverts from. The agent depends on this interface so that it can be tested with a fake.
 *
 * <p>Both kinds set the hop limit of everything they send to 255 (RFC 5798 §5.1.1.3, §5.1.2.3), do not loop their own
 * multicast back, and deliver multicast only for the group they joined: IPv4 by IP_MULTICAST_ALL off; IPv6 by a check of
 * the destination, because the kernel gives an unbound IPv6 raw socket every multicast packet the host accepts.
 *
 * <p>{@link #receive} fills the buffer with a whole IP packet in both families, so a decoder can read the source,
 * destination and TTL/hop limit the same way: IPv4 raw sockets deliver the real IPv4 header; for IPv6, which delivers
 * only the payload, the socket writes a 40-byte IPv6 header rebuilt from the ancillary data (version 6, traffic class
 * and flow label 0, payload length, next header 112, the hop limit as received, the source, and the destination from
 * IPV6_PKTINFO), followed by the VRRP message.
 */
public interface VrrpSocket extends Closeable {
    /** VRRP's IP protocol number (RFC 5798 §5.1.1.4). */
    int IP_PROTOCOL = 112;
    /** The TTL / hop limit VRRP sends with and requires on receipt (RFC 5798 §5.1.1.3, §7.1). */
    int HOP_LIMIT = 255;
    /** A buffer this large holds any VRRPv3 packet: 60-byte IPv4 header or 40-byte IPv6 header, 8 + 255 × 16 bytes. */
    int MAX_PACKET_SIZE = 60 + 8 + 255 * 16;

    /** 224.0.0.18, the IPv4 VRRP multicast group (RFC 5798 §5.1.1.2). */
    static byte[] ipv4Group() {
        return new byte[] {(byte) 224, 0, 0, 18};
    }

    /** ff02::12, the IPv6 VRRP multicast group (RFC 5798 §5.1.2.2). */
    static byte[] ipv6Group() {
        byte[] group = new byte[16];
        group[0] = (byte) 0xFF;
        group[1] = 0x02;
        group[15] = 0x12;
        return group;
    }

    /**
     * Opens an IPv4 VRRP socket on {@code interfaceName}, in the calling thread's network namespace; the source of
     * what it sends is the interface's primary address, chosen by the kernel.
     *
     * @param joinGroup join 224.0.0.18 on the interface (multicast adverts); false for unicast peers only
     * @throws InterfaceNotFoundException when the interface does not exist
     * @throws ErrnoException when a call fails; without CAP_NET_RAW the message names the missing capability
     */
    static VrrpSocket openIpv4(String interfaceName, boolean joinGroup) throws IOException {
        return Ipv4VrrpSocket.open(interfaceName, joinGroup, null);
    }

    /** As {@link #openIpv4(String, boolean)}, sending from {@code source} (4 bytes, an address of this host). */
    static VrrpSocket openIpv4(String interfaceName, boolean joinGroup, byte[] source) throws IOException {
        return Ipv4VrrpSocket.open(interfaceName, joinGroup, source.clone());
    }

    /**
     * Opens an IPv6 VRRP socket on {@code interfaceName}. The kernel chooses the source (the interface's link-local
     * address for ff02::12, as RFC 5798 §5.1.2.1 wants) and computes and verifies the VRRP checksum (IPV6_CHECKSUM at
     * offset 6, RFC 5798 §5.2.8): whatever checksum the payload carries is replaced, and packets with a wrong one are
     * dropped before {@link #receive} sees them.
     *
     * @param joinGroup join ff02::12 on the interface
     */
    static VrrpSocket openIpv6(String interfaceName, boolean joinGroup) throws IOException {
        return Ipv6VrrpSocket.open(interfaceName, joinGroup, null);
    }

    /** As {@link #openIpv6(String, boolean)}, sending from {@code source} (16 bytes, an address of this host). */
    static VrrpSocket openIpv6(String interfaceName, boolean joinGroup, byte[] source) throws IOException {
        return Ipv6VrrpSocket.open(interfaceName, joinGroup, source.clone());
    }

    /**
     * Sends one VRRP message; the kernel adds the IP header.
     *
     * @param vrrpPayload the VRRP message from its version field on
     * @param destination 4 bytes on an IPv4 socket, 16 on an IPv6 one: the group or a unicast peer
     * @throws ErrnoException naming the interface and destination
     * @throws java.nio.channels.ClosedChannelException after {@link #close()}
     */
    void send(byte[] vrrpPayload, byte[] destination) throws IOException;

    /**
     * Runs what {@link #send} runs, down to the system call, without anything leaving the host: the rehearsal of a
     * takeover ({@code ElectionLoop}) that loads and links the send path while the member is BACKUP, so that its first
     * advert as MASTER does not wait for class loading and a cold interpreter. The raw sockets pass MSG_OOB, which the
     * kernel refuses for them (EOPNOTSUPP) before it builds a packet.
     */
    default void rehearseSend(byte[] vrrpPayload, byte[] destination) throws IOException {
    }

    /**
     * Waits at most {@code timeout} for one packet and copies it, IP header first, into {@code buffer} (a longer
     * packet is cut to the buffer; {@link #MAX_PACKET_SIZE} always suffices). Blocks the calling OS thread: call it
     * from a platform thread.
     *
     * @return the number of bytes stored, or -1 when the timeout passed with nothing received
     * @throws java.nio.channels.AsynchronousCloseException when another thread closed the socket meanwhile
     */
    int receive(byte[] buffer, Duration timeout) throws IOException;

    /**
     * Makes a thread waiting in {@link #receive} return -1 at once, or the next call to it if none waits now; how
     * other threads get the election loop to look at its queue without it polling.
     *
     * @throws java.nio.channels.ClosedChannelException after {@link #close()}
     */
    void wakeup() throws IOException;

    /** The interface the socket is bound to. */
    String interfaceName();

    /** Closes the socket, waking a thread blocked in {@link #receive}. Idempotent. */
    @Override
    void close();
}
