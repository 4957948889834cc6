package dev.tandem.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** The {@code struct sockaddr_*} shapes the data plane passes to bind and sendto, in native byte order. */
final class SocketAddresses {
    static final int SOCKADDR_IN_SIZE = 16;
    static final int SOCKADDR_IN6_SIZE = 28;
    static final int SOCKADDR_NL_SIZE = 12;

    private SocketAddresses() {
    }

    /** {@code struct sockaddr_in { sa_family_t; in_port_t (0 for raw sockets); struct in_addr; zero[8]; }}. */
    static MemorySegment ipv4(Arena arena, byte[] address) {
        MemorySegment sockaddr = arena.allocate(SOCKADDR_IN_SIZE);
        writeIpv4(sockaddr, address);
        return sockaddr;
    }

    /** Overwrites {@code sockaddr} (at least {@link #SOCKADDR_IN_SIZE} bytes) with an IPv4 address. */
    static void writeIpv4(MemorySegment sockaddr, byte[] address) {
        sockaddr.asSlice(0, SOCKADDR_IN_SIZE).fill((byte) 0);
        sockaddr.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
        MemorySegment.copy(address, 0, sockaddr, JAVA_BYTE, 4, 4);
    }

    /** {@code struct sockaddr_in6 { family; port (0); flowinfo; struct in6_addr; scope_id; }}. */
    static MemorySegment ipv6(Arena arena, byte[] address, int scopeId) {
        MemorySegment sockaddr = arena.allocate(SOCKADDR_IN6_SIZE);
        writeIpv6(sockaddr, address, scopeId);
        return sockaddr;
    }

    /** Overwrites {@code sockaddr} (at least {@link #SOCKADDR_IN6_SIZE} bytes) with an IPv6 address and scope. */
    static void writeIpv6(MemorySegment sockaddr, byte[] address, int scopeId) {
        sockaddr.asSlice(0, SOCKADDR_IN6_SIZE).fill((byte) 0);
        sockaddr.set(JAVA_SHORT, 0, (short) Libc.AF_INET6);
        MemorySegment.copy(address, 0, sockaddr, JAVA_BYTE, 8, 16);
        sockaddr.set(JAVA_INT, 24, scopeId);
    }

    /** The scope id an IPv6 destination or source needs on interface {@code ifindex}: link-local ones need it. */
    static int scopeFor(byte[] address, int ifindex) {
        boolean linkScopeMulticast = (address[0] & 0xFF) == 0xFF && (address[1] & 0x0F) <= 2;
        return isIpv6LinkLocal(address) || linkScopeMulticast ? ifindex : 0;
    }

    /** {@code struct sockaddr_nl { family; pad; pid; groups; }} for the kernel (pid 0), no multicast groups. */
    static MemorySegment netlinkKernel(Arena arena) {
        MemorySegment sockaddr = arena.allocate(SOCKADDR_NL_SIZE);
        writeNetlinkKernel(sockaddr);
        return sockaddr;
    }

    static void writeNetlinkKernel(MemorySegment sockaddr) {
        sockaddr.asSlice(0, SOCKADDR_NL_SIZE).fill((byte) 0);
        sockaddr.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
    }

    /**
     * {@code struct sockaddr_ll { family; be16 protocol; int ifindex; hatype; pkttype; halen; addr[8]; }}: where a
     * whole frame goes out (the frame itself carries the destination MAC).
     */
    static MemorySegment packet(Arena arena, int ifindex, int etherType, byte[] destinationMac) {
        MemorySegment sockaddr = arena.allocate(20);
        sockaddr.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
        sockaddr.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) etherType);
        sockaddr.set(JAVA_INT, 4, ifindex);
        sockaddr.set(JAVA_BYTE, 11, (byte) destinationMac.length);
        MemorySegment.copy(destinationMac, 0, sockaddr, JAVA_BYTE, 12, destinationMac.length);
        return sockaddr;
    }

    static boolean isIpv6LinkLocal(byte[] address) {
        return address.length == 16 && (address[0] & 0xFF) == 0xFE && (address[1] & 0xC0) == 0x80;
    }
}
