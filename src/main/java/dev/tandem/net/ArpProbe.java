package dev.tandem.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@link GatewayProbe} by ARP: a broadcast "who has GATEWAY" on one interface, answered by an ARP reply from the
 * gateway. It proves the gateway is alive on that link whatever the routing table says, needs no address of the
 * gateway's cooperation beyond ARP, and works before any route exists. An {@code AF_PACKET} socket bound to the
 * interface and to ARP frames; needs CAP_NET_RAW.
 */
public final class ArpProbe implements GatewayProbe {
    private static final int BUFFER_SIZE = 2048;
    private static final int ENETDOWN = 100;
    private static final int ENXIO = 6;
    private static final int ENOBUFS = 105;

    private final NativeSocket socket;
    private final String interfaceName;
    private final byte[] gateway;
    private final MemorySegment sendBuffer;
    private final MemorySegment receiveBuffer;
    private final MemorySegment destination;
    private final byte[] frame = new byte[BUFFER_SIZE];

    private ArpProbe(NativeSocket socket, String interfaceName, byte[] gateway) {
        this.socket = socket;
        this.interfaceName = interfaceName;
        this.gateway = gateway;
        this.sendBuffer = socket.allocate(ArpFrames.FRAME_SIZE);
        this.receiveBuffer = socket.allocate(BUFFER_SIZE);
        this.destination = socket.allocate(20);
    }

    /** Opens the probe in the calling thread's network namespace. */
    public static ArpProbe open(String interfaceName, byte[] gateway) throws IOException {
        if (gateway.length != 4) {
            throw new IllegalArgumentException("ARP probes IPv4 gateways; " + AddressText.of(gateway)
                    + " is IPv6 (probe it with icmp)");
        }
        int ifindex = Interfaces.require(interfaceName);
        int protocol = networkOrder(ArpFrames.ETHERTYPE_ARP);
        NativeSocket socket = NativeSocket.open(Libc.AF_PACKET, Libc.SOCK_RAW, protocol,
                "socket(AF_PACKET, SOCK_RAW, ETH_P_ARP)", interfaceName);
        try (Arena arena = Arena.ofConfined()) {
            // Bound to ARP on this interface only: no other traffic is copied to the socket.
            Libc.check(Libc.bind(socket.fd(), SocketAddresses.packet(arena, ifindex, ArpFrames.ETHERTYPE_ARP,
                    new byte[0])), "bind(AF_PACKET, ETH_P_ARP)", interfaceName);
            ArpProbe probe = new ArpProbe(socket, interfaceName, gateway.clone());
            MemorySegment.copy(SocketAddresses.packet(arena, ifindex, ArpFrames.ETHERTYPE_ARP, GratuitousArp.BROADCAST),
                    0, probe.destination, 0, 20);
            return probe;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A 16-bit protocol number as socket(AF_PACKET, ...) wants it: in network byte order. */
    static int networkOrder(int etherType) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Short.toUnsignedInt(Short.reverseBytes((short) etherType))
                : etherType;
    }

    @Override
    public boolean probe(Duration timeout) throws IOException {
        socket.enter();
        try {
            // A late answer to the previous probe must not count for this one.
            while (Libc.recv(socket.fd(), receiveBuffer, BUFFER_SIZE, Libc.MSG_DONTWAIT) >= 0) {
                // drained
            }
            InterfaceIoctls.HardwareAddress mac = InterfaceIoctls.hardwareAddress(socket.fd(), interfaceName);
            if (mac.type() != InterfaceIoctls.ARPHRD_ETHER) {
                throw new IOException("cannot probe by ARP on " + interfaceName + ": it is not an Ethernet interface"
                        + " (ARPHRD " + mac.type() + "); use icmp");
            }
            byte[] source = InterfaceIoctls.ipv4Address(socket.fd(), interfaceName).orElse(new byte[4]);
            byte[] request = ArpFrames.request(mac.bytes(), source, gateway);
            MemorySegment.copy(request, 0, sendBuffer, JAVA_BYTE, 0, request.length);
            if (Libc.sendto(socket.fd(), sendBuffer, request.length, 0, destination) < 0) {
                int errno = Libc.errno();
                if (errno == ENETDOWN || errno == ENXIO || errno == ENOBUFS) {
                    // The interface is down (a veth whose end is down answers ENOBUFS) or its queue is full: no
                    // answer, not a failure of the probe itself.
                    return false;
                }
                throw new ErrnoException("sendto(ARP request for " + AddressText.of(gateway) + ")", interfaceName, errno);
            }
        } finally {
            socket.exit();
        }
        return socket.receive(timeout, "recvfrom(ARP)",
                () -> Libc.recv(socket.fd(), receiveBuffer, BUFFER_SIZE, Libc.MSG_DONTWAIT),
                length -> {
                    int n = (int) Math.min(length, BUFFER_SIZE);
                    MemorySegment.copy(receiveBuffer, JAVA_BYTE, 0, frame, 0, n);
                    return ArpFrames.isReplyFrom(frame, n, gateway) ? 1 : -1;
                }) == 1;
    }

    @Override
    public String describe() {
        return "ARP for " + AddressText.of(gateway) + " on " + interfaceName;
    }

    @Override
    public void close() {
        socket.close();
    }
}
