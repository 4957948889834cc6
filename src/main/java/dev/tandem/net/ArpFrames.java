package dev.tandem.net;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * ARP requests that ask who has a gateway's address, and the recognition of its reply (RFC 826, Ethernet II): pure
 * functions. The request is broadcast with the asking interface's MAC and IPv4 address as sender; without an address
 * the sender address is 0.0.0.0 (an RFC 5227 probe, which Linux and most routers answer too).
 */
final class ArpFrames {
    static final int ETHERTYPE_ARP = 0x0806;
    static final int FRAME_SIZE = 42;
    static final int OPERATION_REQUEST = 1;
    static final int OPERATION_REPLY = 2;

    private ArpFrames() {
    }

    static byte[] request(byte[] senderMac, byte[] senderIp, byte[] targetIp) {
        if (senderMac.length != 6 || senderIp.length != 4 || targetIp.length != 4) {
            throw new IllegalArgumentException("ARP over Ethernet asks with a 6-byte MAC and 4-byte IPv4 addresses");
        }
        return ByteBuffer.allocate(FRAME_SIZE)
                .put(GratuitousArp.BROADCAST).put(senderMac).putShort((short) ETHERTYPE_ARP)
                .putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4)
                .putShort((short) OPERATION_REQUEST)
                .put(senderMac).put(senderIp)
                .put(new byte[6]).put(targetIp)
                .array();
    }

    /** Whether the frame is an ARP reply whose sender is {@code ip}: the gateway answered (or announced itself). */
    static boolean isReplyFrom(byte[] frame, int length, byte[] ip) {
        if (length < FRAME_SIZE) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(frame, 0, length);
        return Short.toUnsignedInt(b.getShort(12)) == ETHERTYPE_ARP
                && Short.toUnsignedInt(b.getShort(14)) == 1 && Short.toUnsignedInt(b.getShort(16)) == 0x0800
                && b.get(18) == 6 && b.get(19) == 4
                && Short.toUnsignedInt(b.getShort(20)) == OPERATION_REPLY
                && Arrays.equals(frame, 28, 32, ip, 0, 4);
    }
}
