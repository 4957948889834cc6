package dev.tandem.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@link Announcer} over one {@code AF_PACKET} raw socket, which can send whole Ethernet frames on any interface of
 * its network namespace. The interface's index, MAC and flags are asked per announcement (ioctls on that socket), so a
 * recreated interface or a changed MAC is picked up.
 */
public final class LinkLayerAnnouncer implements Announcer {
    /** The interface index of a rehearsal: no interface has it, so the kernel sends nothing (ENXIO). */
    private static final int REHEARSAL = 0;
    private final NativeSocket socket;

    private LinkLayerAnnouncer(NativeSocket socket) {
        this.socket = socket;
    }

    /**
     * Opens the packet socket in the calling thread's network namespace. Protocol 0: it sends only and never receives.
     *
     * @throws ErrnoException without CAP_NET_RAW, naming the missing capability
     */
    public static LinkLayerAnnouncer open() throws ErrnoException {
        return new LinkLayerAnnouncer(NativeSocket.open(Libc.AF_PACKET, Libc.SOCK_RAW, 0,
                "socket(AF_PACKET, SOCK_RAW, 0)", "gratuitous ARP / neighbour advertisement"));
    }

    @Override
    public int announce(String interfaceName, byte[] address) throws IOException {
        return announce(interfaceName, address, false);
    }

    /** The frames {@link #announce} sends, addressed to interface index 0, which the kernel refuses (ENXIO). */
    @Override
    public void rehearse(String interfaceName, byte[] address) throws IOException {
        announce(interfaceName, address, true);
    }

    private int announce(String interfaceName, byte[] address, boolean rehearsal) throws IOException {
        AddressText.requireIp(address, "address");
        socket.enter();
        try {
            int index = InterfaceIoctls.index(socket.fd(), interfaceName);
            int ifindex = rehearsal ? REHEARSAL : index;
            InterfaceIoctls.HardwareAddress mac = InterfaceIoctls.hardwareAddress(socket.fd(), interfaceName);
            int flags = InterfaceIoctls.flags(socket.fd(), interfaceName);
            if (mac.type() != InterfaceIoctls.ARPHRD_ETHER || (flags & InterfaceIoctls.IFF_NOARP) != 0) {
                return 0;
            }
            if (address.length == 4) {
                send(ifindex, interfaceName, GratuitousArp.request(mac.bytes(), address), GratuitousArp.ETHERTYPE_ARP,
                        "gratuitous ARP request for " + AddressText.of(address));
                send(ifindex, interfaceName, GratuitousArp.reply(mac.bytes(), address), GratuitousArp.ETHERTYPE_ARP,
                        "gratuitous ARP reply for " + AddressText.of(address));
                return 2;
            }
            byte[] frame = NeighbourAdvertisement.unsolicited(mac.bytes(), address, forwardsIpv6(interfaceName));
            send(ifindex, interfaceName, frame, NeighbourAdvertisement.ETHERTYPE_IPV6,
                    "unsolicited neighbour advertisement for " + AddressText.of(address));
            return 1;
        } finally {
            socket.exit();
        }
    }

    private void send(int ifindex, String interfaceName, byte[] frame, int etherType, String what)
            throws IOException {
        if (ifindex == REHEARSAL) {
            NativeSocket.expectRefused(ErrnoException.ENXIO,
                    () -> sendFrame(ifindex, interfaceName, frame, etherType, what), what + " to interface index 0");
        } else {
            sendFrame(ifindex, interfaceName, frame, etherType, what);
        }
    }

    private void sendFrame(int ifindex, String interfaceName, byte[] frame, int etherType, String what)
            throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(frame.length);
            MemorySegment.copy(frame, 0, buffer, JAVA_BYTE, 0, frame.length);
            byte[] destinationMac = new byte[6];
            System.arraycopy(frame, 0, destinationMac, 0, 6);
            MemorySegment to = SocketAddresses.packet(arena, ifindex, etherType, destinationMac);
            Libc.check(Libc.sendto(socket.fd(), buffer, frame.length, 0, to), "sendto(" + what + ")", interfaceName);
        }
    }

    /**
     * Whether the interface forwards IPv6, i.e. this host is a router there (RFC 4861 §7.2.6: then the Router flag).
     * Read from /proc/sys, which shows the calling thread's network namespace.
     */
    private static boolean forwardsIpv6(String interfaceName) {
        try {
            return Files.readString(Path.of("/proc/sys/net/ipv6/conf", interfaceName, "forwarding")).strip()
                    .equals("1");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
