package dev.tandem.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct ifreq} ioctls (linux/sockios.h, netdevice(7)) on a socket the caller owns. They answer in the network
 * namespace of that socket, whichever thread calls, which is what a socket opened in one namespace and used from
 * another thread needs.
 */
final class InterfaceIoctls {
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCGIFHWADDR = 0x8927;
    static final long SIOCGIFINDEX = 0x8933;
    static final long SIOCGIFADDR = 0x8915;
    static final int IFF_UP = 0x1;
    static final int IFF_NOARP = 0x80;
    /** {@code ARPHRD_ETHER} in linux/if_arp.h. */
    static final int ARPHRD_ETHER = 1;

    private static final long IFREQ_SIZE = 40;
    private static final long UNION_OFFSET = 16; // after char ifr_name[IFNAMSIZ]

    /** A link-layer address and its {@code ARPHRD_*} type. */
    record HardwareAddress(int type, byte[] bytes) {
    }

    private InterfaceIoctls() {
    }

    static int index(int fd, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = ifreq(arena, name);
            call(fd, SIOCGIFINDEX, ifreq, "ioctl(SIOCGIFINDEX)", name);
            return ifreq.get(JAVA_INT, UNION_OFFSET);
        }
    }

    static int flags(int fd, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = ifreq(arena, name);
            call(fd, SIOCGIFFLAGS, ifreq, "ioctl(SIOCGIFFLAGS)", name);
            return Short.toUnsignedInt(ifreq.get(JAVA_SHORT, UNION_OFFSET));
        }
    }

    /** The interface's MAC address (6 bytes for Ethernet) and hardware type. */
    static HardwareAddress hardwareAddress(int fd, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = ifreq(arena, name);
            call(fd, SIOCGIFHWADDR, ifreq, "ioctl(SIOCGIFHWADDR)", name);
            int type = Short.toUnsignedInt(ifreq.get(JAVA_SHORT, UNION_OFFSET)); // struct sockaddr.sa_family
            byte[] mac = ifreq.asSlice(UNION_OFFSET + 2, 6).toArray(JAVA_BYTE);
            return new HardwareAddress(type, mac);
        }
    }

    /** The interface's primary IPv4 address, or empty when it has none (EADDRNOTAVAIL). */
    static java.util.Optional<byte[]> ipv4Address(int fd, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = ifreq(arena, name);
            try {
                call(fd, SIOCGIFADDR, ifreq, "ioctl(SIOCGIFADDR)", name);
            } catch (ErrnoException e) {
                if (e.errno() == ErrnoException.EADDRNOTAVAIL) {
                    return java.util.Optional.empty();
                }
                throw e;
            }
            return java.util.Optional.of(ifreq.asSlice(UNION_OFFSET + 4, 4).toArray(JAVA_BYTE)); // sockaddr_in.sin_addr
        }
    }

    private static MemorySegment ifreq(Arena arena, String name) throws InterfaceNotFoundException, ErrnoException {
        if (name.isEmpty() || name.length() > Interfaces.MAX_NAME_LENGTH) {
            throw new InterfaceNotFoundException(name, Interfaces.names());
        }
        MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
        ifreq.setString(0, name);
        return ifreq;
    }

    private static void call(int fd, long request, MemorySegment ifreq, String call, String name)
            throws InterfaceNotFoundException, ErrnoException {
        if (Libc.ioctl(fd, request, ifreq) < 0) {
            int errno = Libc.errno();
            if (errno == ErrnoException.ENODEV) {
                // Listed from the calling thread's namespace: the same as the socket's unless a test moved threads.
                throw new InterfaceNotFoundException(name, Interfaces.names());
            }
            throw new ErrnoException(call, name, errno);
        }
    }
}
