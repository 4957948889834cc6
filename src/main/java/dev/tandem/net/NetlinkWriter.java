package dev.tandem.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds one netlink request: {@code struct nlmsghdr}, the family's fixed header, then attributes ({@code struct
 * rtattr}: u16 length, u16 type, payload padded to 4 bytes), which may nest. Host byte order, as the kernel reads it;
 * the length of the message and of every nest is filled in when it is closed.
 *
 * <p>Nests carry no {@code NLA_F_NESTED} flag, as iproute2 sends them: the rtnetlink policies of links, link info and
 * bonding parse them either way, and this keeps the requests byte for byte equal to what {@code ip} sends.
 */
final class NetlinkWriter {
    private final ByteBuffer buffer = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());

    NetlinkWriter(int type, int flags, int sequence) {
        buffer.putInt(0).putShort((short) type).putShort((short) flags).putInt(sequence).putInt(0);
    }

    /** {@code struct ifinfomsg}: family AF_UNSPEC, type 0, index, flags, change mask (16 bytes). */
    NetlinkWriter ifinfomsg(int index, int flags, int change) {
        buffer.put((byte) Libc.AF_UNSPEC).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
        return this;
    }

    NetlinkWriter u8(int value) {
        buffer.put((byte) value);
        return this;
    }

    NetlinkWriter u32(int value) {
        buffer.putInt(value);
        return this;
    }

    NetlinkWriter attribute(int type, byte[] payload) {
        buffer.putShort((short) (4 + payload.length)).putShort((short) type).put(payload);
        pad();
        return this;
    }

    NetlinkWriter attributeU8(int type, int value) {
        return attribute(type, new byte[] {(byte) value});
    }

    NetlinkWriter attributeU32(int type, int value) {
        buffer.putShort((short) 8).putShort((short) type).putInt(value);
        return this;
    }

    /** A string with its terminating NUL (IFLA_IFNAME). */
    NetlinkWriter attributeCString(int type, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, withNul, 0, utf8.length);
        return attribute(type, withNul);
    }

    /** A string without NUL (IFLA_INFO_KIND, as iproute2 sends it; the kernel compares it with nla_strcmp). */
    NetlinkWriter attributeString(int type, String text) {
        return attribute(type, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Opens a nested attribute; pass the returned position to {@link #end(int)}. */
    int begin(int type) {
        int start = buffer.position();
        buffer.putShort((short) 0).putShort((short) type);
        return start;
    }

    NetlinkWriter end(int start) {
        buffer.putShort(start, (short) (buffer.position() - start));
        return this;
    }

    private void pad() {
        while (buffer.position() % 4 != 0) {
            buffer.put((byte) 0);
        }
    }

    byte[] finish() {
        buffer.putInt(0, buffer.position());
        byte[] message = new byte[buffer.position()];
        buffer.get(0, message);
        return message;
    }
}
