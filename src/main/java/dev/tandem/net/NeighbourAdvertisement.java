package dev.tandem.net;

import java.nio.ByteBuffer;

/**
 * The unsolicited Neighbour Advertisement (RFC 4861 §4.4, §7.2.6) that is IPv6's gratuitous ARP, as a whole Ethernet
 * frame: to all nodes (ff02::1, MAC 33:33:00:00:00:01) from the floating address itself, hop limit 255 (receivers drop
 * anything else, §7.1.2), Override set and Solicited clear so that neighbours replace the MAC they had, Router set only
 * when this host forwards IPv6 (a wrong Router flag would take a router out of, or put a host into, neighbours'
 * default router lists, §7.2.5), and the Target Link-Layer Address option. Pure functions.
 */
public final class NeighbourAdvertisement {
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int FRAME_SIZE = 14 + 40 + 32;
    static final int ICMPV6 = 58;
    static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
    static final int FLAG_ROUTER = 0x80;
    static final int FLAG_SOLICITED = 0x40;
    static final int FLAG_OVERRIDE = 0x20;
    static final int OPTION_TARGET_LINK_LAYER_ADDRESS = 2;
    static final byte[] ALL_NODES_MAC = {0x33, 0x33, 0, 0, 0, 1};
    static final byte[] ALL_NODES = {(byte) 0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private NeighbourAdvertisement() {
    }

    public static byte[] unsolicited(byte[] senderMac, byte[] ipv6, boolean router) {
        if (senderMac.length != 6) {
            throw new IllegalArgumentException("an Ethernet MAC has 6 bytes, got " + senderMac.length);
        }
        if (ipv6.length != 16) {
            throw new IllegalArgumentException("a neighbour advertisement is for IPv6 (16 bytes), got "
                    + ipv6.length + " bytes");
        }
        byte[] icmp = ByteBuffer.allocate(32)
                .put((byte) TYPE_NEIGHBOR_ADVERTISEMENT).put((byte) 0).putShort((short) 0) // checksum below
                .put((byte) ((router ? FLAG_ROUTER : 0) | FLAG_OVERRIDE)).put(new byte[3])
                .put(ipv6)
                .put((byte) OPTION_TARGET_LINK_LAYER_ADDRESS).put((byte) 1).put(senderMac) // length in units of 8
                .array();
        int checksum = checksum(ipv6, ALL_NODES, icmp);
        icmp[2] = (byte) (checksum >>> 8);
        icmp[3] = (byte) checksum;
        return ByteBuffer.allocate(FRAME_SIZE)
                .put(ALL_NODES_MAC).put(senderMac).putShort((short) ETHERTYPE_IPV6)
                .putInt(0x6000_0000)                               // version 6, traffic class 0, flow label 0
                .putShort((short) icmp.length).put((byte) ICMPV6).put((byte) 255)
                .put(ipv6).put(ALL_NODES)
                .put(icmp)
                .array();
    }

    /** The ICMPv6 checksum (RFC 4443 §2.3) with the pseudo-header of RFC 8200 §8.1. */
    static int checksum(byte[] source, byte[] destination, byte[] icmp) {
        long sum = 0;
        sum += sumWords(source) + sumWords(destination);
        sum += icmp.length;            // upper-layer packet length (32 bits)
        sum += ICMPV6;                 // three zero bytes and the next header
        sum += sumWords(icmp);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private static long sumWords(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i < bytes.length; i += 2) {
            int high = bytes[i] & 0xFF;
            int low = i + 1 < bytes.length ? bytes[i + 1] & 0xFF : 0;
            sum += (high << 8) | low;
        }
        return sum;
    }
}
