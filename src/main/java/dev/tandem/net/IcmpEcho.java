package dev.tandem.net;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** ICMP echo request and the recognition of its reply (RFC 792), IPv4: pure functions. */
final class IcmpEcho {
    static final int ECHO_REPLY = 0;
    static final int ECHO_REQUEST = 8;
    static final int REQUEST_SIZE = 16;

    private IcmpEcho() {
    }

    /** Type 8, code 0, checksum, identifier, sequence number, then 8 bytes of payload. */
    static byte[] request(int identifier, int sequence, long payload) {
        byte[] packet = ByteBuffer.allocate(REQUEST_SIZE).put((byte) ECHO_REQUEST).put((byte) 0).putShort((short) 0)
                .putShort((short) identifier).putShort((short) sequence).putLong(payload).array();
        int sum = checksum(packet, 0, packet.length);
        packet[2] = (byte) (sum >>> 8);
        packet[3] = (byte) sum;
        return packet;
    }

    /**
     * Whether an IPv4 packet (as a raw ICMP socket receives it, header included) is the echo reply from {@code from}
     * to the request with this identifier and sequence number.
     */
    static boolean isReply(byte[] packet, int length, byte[] from, int identifier, int sequence) {
        if (length < 20 || (packet[0] >> 4) != 4) {
            return false;
        }
        int headerLength = (packet[0] & 0x0F) * 4;
        if (length < headerLength + 8 || (packet[9] & 0xFF) != 1 || !Arrays.equals(packet, 12, 16, from, 0, 4)) {
            return false;
        }
        ByteBuffer icmp = ByteBuffer.wrap(packet, headerLength, length - headerLength).slice();
        return (icmp.get(0) & 0xFF) == ECHO_REPLY && icmp.get(1) == 0
                && Short.toUnsignedInt(icmp.getShort(4)) == (identifier & 0xFFFF)
                && Short.toUnsignedInt(icmp.getShort(6)) == (sequence & 0xFFFF);
    }

    /** The Internet checksum (RFC 1071): one's complement of the one's complement sum of 16-bit words. */
    static int checksum(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((data[offset + i] & 0xFF) << 8) | (data[offset + i + 1] & 0xFF);
        }
        if ((length & 1) != 0) {
            sum += (data[offset + length - 1] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
