package dev.tandem.net;

import java.nio.ByteBuffer;

/**
 * Gratuitous ARP frames (Ethernet II + RFC 826 ARP for IPv4) that tell a link which MAC now holds a floating address.
 * Pure functions; {@link LinkLayerAnnouncer} sends them.
 *
 * <p>Both forms have the broadcast destination, sender MAC = the interface's MAC and sender IP = target IP = the
 * address. The request is RFC 5227 §3's ARP Announcement (what Linux itself sends on NETDEV_NOTIFY_PEERS; target MAC
 * zero, as RFC 5227 §2.1.1 asks). The reply form (what {@code arping -A} sends) has target MAC = sender MAC, which is
 * what Linux requires to treat an unsolicited reply as gratuitous. Some equipment learns only from one of the two
 * forms, so tandem sends both, request first. Frames are 42 bytes; the driver pads them to the Ethernet minimum.
 */
public final class GratuitousArp {
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int FRAME_SIZE = 14 + 28;
    static final int OPERATION_REQUEST = 1;
    static final int OPERATION_REPLY = 2;
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private GratuitousArp() {
    }

    /** The ARP Announcement (operation 1, request). */
    public static byte[] request(byte[] senderMac, byte[] ipv4) {
        return frame(OPERATION_REQUEST, senderMac, ipv4, new byte[6]);
    }

    /** The unsolicited reply (operation 2), target MAC = sender MAC. */
    public static byte[] reply(byte[] senderMac, byte[] ipv4) {
        return frame(OPERATION_REPLY, senderMac, ipv4, senderMac);
    }

    private static byte[] frame(int operation, byte[] senderMac, byte[] ipv4, byte[] targetMac) {
        if (senderMac.length != 6) {
            throw new IllegalArgumentException("an Ethernet MAC has 6 bytes, got " + senderMac.length);
        }
        if (ipv4.length != 4) {
            throw new IllegalArgumentException("gratuitous ARP is for IPv4 (4 bytes), got " + ipv4.length + " bytes");
        }
        return ByteBuffer.allocate(FRAME_SIZE)          // network byte order
                .put(BROADCAST).put(senderMac).putShort((short) ETHERTYPE_ARP)
                .putShort((short) 1)                     // hardware type: Ethernet
                .putShort((short) 0x0800)                // protocol type: IPv4
                .put((byte) 6).put((byte) 4)             // hardware and protocol address lengths
                .putShort((short) operation)
                .put(senderMac).put(ipv4)                // sender MAC, sender IP
                .put(targetMac).put(ipv4)                // target MAC, target IP = sender IP
                .array();
    }
}
