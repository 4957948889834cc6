package dev.tandem.net;

import java.util.concurrent.locks.ReentrantLock;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@link VrrpSocket} over {@code socket(AF_INET6, SOCK_RAW, 112)}. IPv6 raw sockets deliver only the payload, so the
 * hop limit (IPV6_RECVHOPLIMIT) and destination (IPV6_RECVPKTINFO) come as ancillary data of {@code recvmsg}, and
 * {@link #receive} rebuilds an IPv6 header from them.
 */
final class Ipv6VrrpSocket implements VrrpSocket {
    // linux/in6.h
    static final int IPV6_CHECKSUM = 7;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_RECVHOPLIMIT = 51;
    static final int IPV6_HOPLIMIT = 52;
    /** Offset of the checksum in a VRRP message (RFC 5798 §5.1). */
    static final int VRRP_CHECKSUM_OFFSET = 6;
    static final int IPV6_HEADER_SIZE = 40;

    private static final int BUFFER_SIZE = 65_536;
    private static final int CONTROL_SIZE = 128;
    private static final int MSGHDR_SIZE = 56;

    private final NativeSocket socket;
    private final String interfaceName;
    private final int ifindex;
    private final boolean joined;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final MemorySegment sendBuffer;
    private final MemorySegment destination;
    private final MemorySegment receiveBuffer;
    private final MemorySegment sender;
    private final MemorySegment control;
    private final MemorySegment iovec;
    private final MemorySegment msghdr;

    private Ipv6VrrpSocket(NativeSocket socket, String interfaceName, int ifindex, boolean joined) {
        this.socket = socket;
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.joined = joined;
        this.sendBuffer = socket.allocate(BUFFER_SIZE);
        this.destination = socket.allocate(SocketAddresses.SOCKADDR_IN6_SIZE);
        this.receiveBuffer = socket.allocate(BUFFER_SIZE);
        this.sender = socket.allocate(SocketAddresses.SOCKADDR_IN6_SIZE);
        this.control = socket.allocate(CONTROL_SIZE);
        this.iovec = socket.allocate(16);
        this.msghdr = socket.allocate(MSGHDR_SIZE);
        iovec.set(ADDRESS, 0, receiveBuffer);
        iovec.set(JAVA_LONG, 8, BUFFER_SIZE);
    }

    static Ipv6VrrpSocket open(String interfaceName, boolean joinGroup, byte[] source) throws IOException {
        if (source != null && source.length != 16) {
            throw new IllegalArgumentException("an IPv6 source address has 16 bytes, got " + source.length);
        }
        int ifindex = Interfaces.require(interfaceName);
        NativeSocket socket = NativeSocket.open(Libc.AF_INET6, Libc.SOCK_RAW, IP_PROTOCOL,
                "socket(AF_INET6, SOCK_RAW, 112)", interfaceName);
        try (Arena arena = Arena.ofConfined()) {
            socket.set(Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, arena.allocateFrom(interfaceName), "SO_BINDTODEVICE");
            socket.setInt(Libc.IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF");
            socket.setInt(Libc.IPPROTO_IPV6, IPV6_MULTICAST_HOPS, HOP_LIMIT, "IPV6_MULTICAST_HOPS 255");
            socket.setInt(Libc.IPPROTO_IPV6, IPV6_UNICAST_HOPS, HOP_LIMIT, "IPV6_UNICAST_HOPS 255");
            socket.setInt(Libc.IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP off");
            socket.setInt(Libc.IPPROTO_IPV6, IPV6_CHECKSUM, VRRP_CHECKSUM_OFFSET, "IPV6_CHECKSUM 6");
            socket.setInt(Libc.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
            socket.setInt(Libc.IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
            if (joinGroup) {
                MemorySegment mreq = arena.allocate(20); // struct ipv6_mreq { struct in6_addr; int ifindex; }
                MemorySegment.copy(VrrpSocket.ipv6Group(), 0, mreq, JAVA_BYTE, 0, 16);
                mreq.set(JAVA_INT, 16, ifindex);
                socket.set(Libc.IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq, "IPV6_ADD_MEMBERSHIP ff02::12");
            }
            if (source != null) {
                MemorySegment address = SocketAddresses.ipv6(arena, source, SocketAddresses.scopeFor(source, ifindex));
                Libc.check(Libc.bind(socket.fd(), address), "bind(" + AddressText.of(source) + ")", interfaceName);
            }
            return new Ipv6VrrpSocket(socket, interfaceName, ifindex, joinGroup);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public void send(byte[] vrrpPayload, byte[] destinationAddress) throws IOException {
        send(vrrpPayload, destinationAddress, 0);
    }

    @Override
    public void rehearseSend(byte[] vrrpPayload, byte[] destinationAddress) throws IOException {
        // MSG_OOB: raw IPv4 and IPv6 sockets refuse it (raw_sendmsg, rawv6_sendmsg) before they build a packet.
        NativeSocket.expectRefused(ErrnoException.EOPNOTSUPP, () -> send(vrrpPayload, destinationAddress, Libc.MSG_OOB),
                "a VRRP advert with MSG_OOB on " + interfaceName);
    }

    private void send(byte[] vrrpPayload, byte[] destinationAddress, int flags) throws IOException {
        if (destinationAddress.length != 16) {
            throw new IllegalArgumentException("an IPv6 VRRP socket sends to 16-byte addresses, got "
                    + destinationAddress.length + " bytes");
        }
        if (vrrpPayload.length < VRRP_CHECKSUM_OFFSET + 2 || vrrpPayload.length > BUFFER_SIZE) {
            // The kernel refuses (EINVAL) to checksum a message too short to hold the checksum field.
            throw new IllegalArgumentException("VRRP payload of " + vrrpPayload.length + " bytes is out of range");
        }
        socket.enter();
        sendLock.lock();
        try {
            MemorySegment.copy(vrrpPayload, 0, sendBuffer, JAVA_BYTE, 0, vrrpPayload.length);
            SocketAddresses.writeIpv6(destination, destinationAddress,
                    SocketAddresses.scopeFor(destinationAddress, ifindex));
            Libc.check(Libc.sendto(socket.fd(), sendBuffer, vrrpPayload.length, flags, destination),
                    "sendto(VRRP to " + AddressText.of(destinationAddress) + ")", interfaceName);
        } finally {
            sendLock.unlock();
            socket.exit();
        }
    }

    @Override
    public int receive(byte[] buffer, Duration timeout) throws IOException {
        // EAGAIN also when the kernel dropped a packet with a wrong checksum (rawv6_recvmsg, net/ipv6/raw.c).
        return socket.receive(timeout, "recvmsg(VRRP)",
                () -> {
                    resetMessageHeader();
                    return Libc.recvmsg(socket.fd(), msghdr, Libc.MSG_DONTWAIT);
                },
                length -> wanted() ? storePacket(buffer, (int) length) : -1);
    }

    /** {@code struct msghdr} (64-bit): name, namelen, iov, iovlen, control, controllen, flags. */
    private void resetMessageHeader() {
        msghdr.fill((byte) 0);
        msghdr.set(ADDRESS, 0, sender);
        msghdr.set(JAVA_INT, 8, SocketAddresses.SOCKADDR_IN6_SIZE);
        msghdr.set(ADDRESS, 16, iovec);
        msghdr.set(JAVA_LONG, 24, 1L);
        msghdr.set(ADDRESS, 32, control);
        msghdr.set(JAVA_LONG, 40, (long) CONTROL_SIZE);
        control.fill((byte) 0);
    }

    /**
     * Whether the packet just received was sent to this socket's group or to a unicast address. An unbound IPv6 raw
     * socket gets every multicast packet the host accepts on its interface (raw_v6_match in net/ipv6/raw.c does not
     * look at IPV6_MULTICAST_ALL, unlike IPv4), so a socket that did not join ff02::12 would otherwise see the adverts
     * of another socket that did; this keeps both families alike.
     */
    private boolean wanted() {
        byte[] destination = new byte[16];
        findDestination(destination);
        if ((destination[0] & 0xFF) != 0xFF) {
            return true;
        }
        return joined && Arrays.equals(destination, VrrpSocket.ipv6Group());
    }

    /** The destination from the IPV6_PKTINFO ancillary data; stays zero if the kernel sent none. */
    private void findDestination(byte[] destination) {
        forEachControlMessage((type, offset) -> {
            if (type == IPV6_PKTINFO) {
                MemorySegment.copy(control, JAVA_BYTE, offset, destination, 0, 16); // in6_pktinfo.ipi6_addr
            }
        });
    }

    private interface ControlMessageVisitor {
        void visit(int type, long dataOffset);
    }

    /** Walks the IPPROTO_IPV6 control messages: {@code struct cmsghdr { size_t len; int level, type; }}, 8-aligned. */
    private void forEachControlMessage(ControlMessageVisitor visitor) {
        long controlLength = msghdr.get(JAVA_LONG, 40);
        for (long offset = 0; offset + 16 <= controlLength; ) {
            long cmsgLength = control.get(JAVA_LONG, offset);
            if (cmsgLength < 16 || offset + cmsgLength > controlLength) {
                return;
            }
            if (control.get(JAVA_INT, offset + 8) == Libc.IPPROTO_IPV6) {
                visitor.visit(control.get(JAVA_INT, offset + 12), offset + 16);
            }
            offset += (cmsgLength + 7) & ~7L;
        }
    }

    /** Writes the rebuilt IPv6 header and the payload into {@code buffer}; returns the bytes stored. */
    private int storePacket(byte[] buffer, int payloadLength) {
        byte[] header = new byte[IPV6_HEADER_SIZE];
        header[0] = 0x60;
        header[4] = (byte) (payloadLength >>> 8);
        header[5] = (byte) payloadLength;
        header[6] = (byte) IP_PROTOCOL;
        MemorySegment.copy(sender, JAVA_BYTE, 8, header, 8, 16);
        forEachControlMessage((type, offset) -> {
            if (type == IPV6_HOPLIMIT) {
                header[7] = (byte) control.get(JAVA_INT, offset);
            } else if (type == IPV6_PKTINFO) {
                MemorySegment.copy(control, JAVA_BYTE, offset, header, 24, 16);
            }
        });
        int stored = Math.min(buffer.length, IPV6_HEADER_SIZE + payloadLength);
        System.arraycopy(header, 0, buffer, 0, Math.min(stored, IPV6_HEADER_SIZE));
        if (stored > IPV6_HEADER_SIZE) {
            MemorySegment.copy(receiveBuffer, JAVA_BYTE, 0, buffer, IPV6_HEADER_SIZE, stored - IPV6_HEADER_SIZE);
        }
        return stored;
    }

    @Override
    public void wakeup() throws IOException {
        socket.wakeup();
    }

    @Override
    public String interfaceName() {
        return interfaceName;
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "VrrpSocket[IPv6 on " + interfaceName + "]";
    }
}
