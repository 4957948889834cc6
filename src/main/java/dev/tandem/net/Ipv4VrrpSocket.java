package dev.tandem.net;

import java.util.concurrent.locks.ReentrantLock;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** {@link VrrpSocket} over {@code socket(AF_INET, SOCK_RAW, 112)}; receives whole IPv4 packets, header included. */
final class Ipv4VrrpSocket implements VrrpSocket {
    // linux/in.h
    static final int IP_TTL = 2;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IP_MULTICAST_ALL = 49;

    private static final int BUFFER_SIZE = 65_536;

    private final NativeSocket socket;
    private final String interfaceName;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final MemorySegment sendBuffer;
    private final MemorySegment destination;
    private final MemorySegment receiveBuffer;

    private Ipv4VrrpSocket(NativeSocket socket, String interfaceName) {
        this.socket = socket;
        this.interfaceName = interfaceName;
        this.sendBuffer = socket.allocate(BUFFER_SIZE);
        this.destination = socket.allocate(SocketAddresses.SOCKADDR_IN_SIZE);
        this.receiveBuffer = socket.allocate(BUFFER_SIZE);
    }

    static Ipv4VrrpSocket open(String interfaceName, boolean joinGroup, byte[] source) throws IOException {
        if (source != null && source.length != 4) {
            throw new IllegalArgumentException("an IPv4 source address has 4 bytes, got " + source.length);
        }
        int ifindex = Interfaces.require(interfaceName);
        NativeSocket socket = NativeSocket.open(Libc.AF_INET, Libc.SOCK_RAW, IP_PROTOCOL,
                "socket(AF_INET, SOCK_RAW, 112)", interfaceName);
        try (Arena arena = Arena.ofConfined()) {
            socket.set(Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, arena.allocateFrom(interfaceName), "SO_BINDTODEVICE");
            // The source of multicast adverts comes from here: a raw socket bound to an address only receives packets
            // sent to that address, so a member of the group must not bind (it would never hear 224.0.0.18).
            socket.set(Libc.IPPROTO_IP, IP_MULTICAST_IF, multicastInterface(arena, source, ifindex), "IP_MULTICAST_IF");
            socket.setInt(Libc.IPPROTO_IP, IP_MULTICAST_TTL, HOP_LIMIT, "IP_MULTICAST_TTL 255");
            socket.setInt(Libc.IPPROTO_IP, IP_TTL, HOP_LIMIT, "IP_TTL 255");
            socket.setInt(Libc.IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP off");
            // Otherwise the socket also gets every group any other socket on the host joined.
            socket.setInt(Libc.IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL off");
            if (joinGroup) {
                socket.set(Libc.IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn(arena, VrrpSocket.ipv4Group(), ifindex),
                        "IP_ADD_MEMBERSHIP 224.0.0.18");
            }
            if (source != null && !joinGroup) {
                Libc.check(Libc.bind(socket.fd(), SocketAddresses.ipv4(arena, source)),
                        "bind(" + AddressText.of(source) + ")", interfaceName);
            }
            return new Ipv4VrrpSocket(socket, interfaceName);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** IP_MULTICAST_IF's {@code struct ip_mreqn}: the interface, and the source address (imr_address) when given. */
    private static MemorySegment multicastInterface(Arena arena, byte[] source, int ifindex) {
        MemorySegment mreqn = arena.allocate(12);
        if (source != null) {
            MemorySegment.copy(source, 0, mreqn, JAVA_BYTE, 4, 4);
        }
        mreqn.set(JAVA_INT, 8, ifindex);
        return mreqn;
    }

    /** {@code struct ip_mreqn { struct in_addr imr_multiaddr, imr_address; int imr_ifindex; }}. */
    private static MemorySegment ipMreqn(Arena arena, byte[] group, int ifindex) {
        MemorySegment mreqn = arena.allocate(12);
        MemorySegment.copy(group, 0, mreqn, JAVA_BYTE, 0, 4);
        mreqn.set(JAVA_INT, 8, ifindex);
        return mreqn;
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
        if (destinationAddress.length != 4) {
            throw new IllegalArgumentException("an IPv4 VRRP socket sends to 4-byte addresses, got "
                    + destinationAddress.length + " bytes");
        }
        if (vrrpPayload.length > BUFFER_SIZE) {
            throw new IllegalArgumentException("VRRP payload of " + vrrpPayload.length + " bytes is too long");
        }
        socket.enter();
        sendLock.lock();
        try {
            MemorySegment.copy(vrrpPayload, 0, sendBuffer, JAVA_BYTE, 0, vrrpPayload.length);
            SocketAddresses.writeIpv4(destination, destinationAddress);
            Libc.check(Libc.sendto(socket.fd(), sendBuffer, vrrpPayload.length, flags, destination),
                    "sendto(VRRP to " + AddressText.of(destinationAddress) + ")", interfaceName);
        } finally {
            sendLock.unlock();
            socket.exit();
        }
    }

    @Override
    public int receive(byte[] buffer, Duration timeout) throws IOException {
        return socket.receive(timeout, "recvfrom(VRRP)",
                () -> Libc.recv(socket.fd(), receiveBuffer, BUFFER_SIZE, Libc.MSG_DONTWAIT),
                length -> {
                    int stored = (int) Math.min(length, buffer.length);
                    MemorySegment.copy(receiveBuffer, JAVA_BYTE, 0, buffer, 0, stored);
                    return stored;
                });
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
        return "VrrpSocket[IPv4 on " + interfaceName + "]";
    }
}
