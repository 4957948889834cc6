package dev.tandem.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@link GatewayProbe} by ICMP echo (IPv4): a raw ICMP socket bound to the uplink's interface (SO_BINDTODEVICE), so
 * the request leaves through that interface whatever the default route is, and only replies that arrive there count.
 * An ICMP_FILTER keeps every ICMP type but echo replies out of the socket. Needs CAP_NET_RAW.
 */
public final class IcmpProbe implements GatewayProbe {
    static final int IPPROTO_ICMP = 1;
    static final int SOL_RAW = 255;
    static final int ICMP_FILTER = 1;
    private static final int BUFFER_SIZE = 2048;
    // sendto answers these when the link or the path is down: no answer, not a broken probe.
    private static final int ENETDOWN = 100;
    private static final int ENETUNREACH = 101;
    private static final int EHOSTDOWN = 112;
    private static final int EHOSTUNREACH = 113;

    private final NativeSocket socket;
    private final String interfaceName;
    private final byte[] gateway;
    private final int identifier = ThreadLocalRandom.current().nextInt(1, 0x10000);
    private final MemorySegment sendBuffer;
    private final MemorySegment receiveBuffer;
    private final MemorySegment destination;
    private final byte[] packet = new byte[BUFFER_SIZE];
    private int sequence;

    private IcmpProbe(NativeSocket socket, String interfaceName, byte[] gateway) {
        this.socket = socket;
        this.interfaceName = interfaceName;
        this.gateway = gateway;
        this.sendBuffer = socket.allocate(IcmpEcho.REQUEST_SIZE);
        this.receiveBuffer = socket.allocate(BUFFER_SIZE);
        this.destination = socket.allocate(SocketAddresses.SOCKADDR_IN_SIZE);
        SocketAddresses.writeIpv4(destination, gateway);
    }

    /** Opens the probe in the calling thread's network namespace. */
    public static IcmpProbe open(String interfaceName, byte[] gateway) throws IOException {
        if (gateway.length != 4) {
            throw new IllegalArgumentException("this build probes IPv4 gateways only; " + AddressText.of(gateway)
                    + " is IPv6");
        }
        Interfaces.require(interfaceName);
        NativeSocket socket = NativeSocket.open(Libc.AF_INET, Libc.SOCK_RAW, IPPROTO_ICMP,
                "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)", interfaceName);
        try (Arena arena = Arena.ofConfined()) {
            socket.set(Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, arena.allocateFrom(interfaceName), "SO_BINDTODEVICE");
            socket.setInt(SOL_RAW, ICMP_FILTER, ~(1 << IcmpEcho.ECHO_REPLY), "ICMP_FILTER (echo replies only)");
            return new IcmpProbe(socket, interfaceName, gateway.clone());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public boolean probe(Duration timeout) throws IOException {
        int seq = sequence = (sequence + 1) & 0xFFFF;
        byte[] request = IcmpEcho.request(identifier, seq, System.nanoTime());
        socket.enter();
        try {
            MemorySegment.copy(request, 0, sendBuffer, JAVA_BYTE, 0, request.length);
            if (Libc.sendto(socket.fd(), sendBuffer, request.length, 0, destination) < 0) {
                int errno = Libc.errno();
                if (errno == ENETDOWN || errno == ENETUNREACH || errno == EHOSTDOWN || errno == EHOSTUNREACH) {
                    return false;
                }
                throw new ErrnoException("sendto(ICMP echo to " + AddressText.of(gateway) + ")", interfaceName, errno);
            }
        } finally {
            socket.exit();
        }
        return socket.receive(timeout, "recvfrom(ICMP)",
                () -> Libc.recv(socket.fd(), receiveBuffer, BUFFER_SIZE, Libc.MSG_DONTWAIT),
                length -> {
                    int n = (int) Math.min(length, BUFFER_SIZE);
                    MemorySegment.copy(receiveBuffer, JAVA_BYTE, 0, packet, 0, n);
                    return IcmpEcho.isReply(packet, n, gateway, identifier, seq) ? 1 : -1;
                }) == 1;
    }

    @Override
    public String describe() {
        return "ICMP echo to " + AddressText.of(gateway) + " on " + interfaceName;
    }

    @Override
    public void close() {
        socket.close();
    }
}
