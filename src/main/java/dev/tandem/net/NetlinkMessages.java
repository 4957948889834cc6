package dev.tandem.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * rtnetlink messages for addresses and links as pure functions: requests to bytes, replies from bytes. The layouts are
 * those of linux/netlink.h ({@code struct nlmsghdr}, 16 bytes), linux/rtnetlink.h ({@code struct rtattr}, 4 bytes),
 * linux/if_addr.h ({@code struct ifaddrmsg}, 8 bytes) and linux/rtnetlink.h ({@code struct ifinfomsg}, 16 bytes), in
 * the host's byte order, every message and attribute padded to 4 bytes (NLMSG_ALIGN, RTA_ALIGN).
 */
final class NetlinkMessages {
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x01;
    static final int NLM_F_MULTI = 0x02;
    static final int NLM_F_ACK = 0x04;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    /** In an NLMSG_ERROR: only the header of the request is echoed (NETLINK_CAP_ACK). */
    static final int NLM_F_CAPPED = 0x100;
    /** In an NLMSG_ERROR: extended-ack attributes follow (NETLINK_EXT_ACK). */
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NLMSGERR_ATTR_MSG = 1;

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int IFA_FLAGS = 8;
    /** Who added the address, a u8 (Linux 6.3). */
    static final int IFA_PROTO = 11;
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFADDRMSG_SIZE = 8;
    static final int IFINFOMSG_SIZE = 16;
    static final int RT_SCOPE_UNIVERSE = 0;
    private static final int NLA_TYPE_MASK = 0x3FFF; // without NLA_F_NESTED and NLA_F_NET_BYTEORDER

    /** What to add or remove: an address with its prefix on an interface, and how tandem marks its own. */
    record AddressRequest(int ifindex, byte[] address, int prefixLength, int flags, int protocol, String label) {
        int family() {
            return address.length == 4 ? Libc.AF_INET : Libc.AF_INET6;
        }
    }

    /** {@code struct nlmsghdr}. */
    record Header(int length, int type, int flags, int sequence, int portId) {
    }

    /** The content of an NLMSG_ERROR: errno 0 is an acknowledgement; {@code message} is the extended ack or empty. */
    record Error(int errno, String message) {
    }

    /** The part of RTM_NEWLINK a caller needs. */
    record Link(int index, String name, byte[] hardwareAddress, int flags) {
        static final int IFF_UP = 0x1;
        static final int IFF_LOWER_UP = 0x10000;

        /** Administratively up and with a carrier: frames can leave and arrive. */
        boolean hasCarrier() {
            return (flags & IFF_UP) != 0 && (flags & IFF_LOWER_UP) != 0;
        }
    }

    private NetlinkMessages() {
    }

    static int align(int length) {
        return (length + 3) & ~3;
    }

    /** RTM_NEWADDR, create but never replace (NLM_F_CREATE | NLM_F_EXCL), acknowledged. */
    static byte[] newAddress(int sequence, AddressRequest request) {
        Writer writer = new Writer(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, sequence);
        ifaddrmsg(writer, request, request.flags() & 0xFF);
        writer.attribute(IFA_LOCAL, request.address());
        writer.attribute(IFA_ADDRESS, request.address());
        if (request.family() == Libc.AF_INET && !request.label().isEmpty()) {
            writer.attribute(IFA_LABEL, cString(request.label()));
        }
        if (request.flags() != 0) {
            writer.attributeInt(IFA_FLAGS, request.flags());
        }
        if (request.protocol() != 0) {
            writer.attribute(IFA_PROTO, new byte[] {(byte) request.protocol()});
        }
        return writer.finish();
    }

    /** RTM_DELADDR of exactly this address and prefix, acknowledged. */
    static byte[] deleteAddress(int sequence, AddressRequest request) {
        Writer writer = new Writer(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, sequence);
        ifaddrmsg(writer, request, 0);
        writer.attribute(IFA_LOCAL, request.address());
        writer.attribute(IFA_ADDRESS, request.address());
        return writer.finish();
    }

    /** RTM_GETADDR dump of every address of a family ({@code AF_UNSPEC} for both). */
    static byte[] dumpAddresses(int sequence, int family) {
        Writer writer = new Writer(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, sequence);
        writer.buffer.put((byte) family).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0);
        return writer.finish();
    }

    /** RTM_GETLINK of one interface by name; the kernel answers RTM_NEWLINK or ENODEV. */
    static byte[] getLink(int sequence, String name) {
        Writer writer = new Writer(RTM_GETLINK, NLM_F_REQUEST, sequence);
        ifinfomsg(writer);
        writer.attribute(IFLA_IFNAME, cString(name));
        return writer.finish();
    }

    /** RTM_GETLINK dump of every interface. */
    static byte[] dumpLinks(int sequence) {
        Writer writer = new Writer(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, sequence);
        ifinfomsg(writer);
        return writer.finish();
    }

    /** Splits one datagram into its messages, each a buffer positioned at its header. */
    static List<ByteBuffer> split(ByteBuffer datagram) {
        ByteBuffer data = datagram.slice().order(ByteOrder.nativeOrder());
        List<ByteBuffer> messages = new ArrayList<>();
        int offset = 0;
        while (offset + NLMSG_HDRLEN <= data.limit()) {
            int length = data.getInt(offset);
            if (length < NLMSG_HDRLEN || offset + length > data.limit()) {
                throw new IllegalArgumentException("malformed netlink message: length " + length + " at offset "
                        + offset + " of a " + data.limit() + "-byte datagram");
            }
            messages.add(data.slice(offset, length).order(ByteOrder.nativeOrder()));
            offset += align(length);
        }
        return messages;
    }

    static Header header(ByteBuffer message) {
        return new Header(message.getInt(0), Short.toUnsignedInt(message.getShort(4)),
                Short.toUnsignedInt(message.getShort(6)), message.getInt(8), message.getInt(12));
    }

    /** The error of an NLMSG_ERROR message: {@code struct nlmsgerr { int error; struct nlmsghdr msg; }} then TLVs. */
    static Error error(ByteBuffer message) {
        Header header = header(message);
        int errno = -message.getInt(NLMSG_HDRLEN);
        String text = "";
        if ((header.flags() & NLM_F_ACK_TLVS) != 0) {
            int echoed = (header.flags() & NLM_F_CAPPED) != 0
                    ? NLMSG_HDRLEN : align(message.getInt(NLMSG_HDRLEN + 4));
            int start = NLMSG_HDRLEN + 4 + echoed;
            for (Attribute attribute : attributes(message, start)) {
                if (attribute.type() == NLMSGERR_ATTR_MSG) {
                    text = attribute.string();
                }
            }
        }
        return new Error(errno, text);
    }

    /** The address described by an RTM_NEWADDR message (as in a dump). */
    static InstalledAddress address(ByteBuffer message) {
        int base = NLMSG_HDRLEN;
        int prefixLength = Byte.toUnsignedInt(message.get(base + 1));
        int flags = Byte.toUnsignedInt(message.get(base + 2));
        int scope = Byte.toUnsignedInt(message.get(base + 3));
        int ifindex = message.getInt(base + 4);
        byte[] local = null;
        byte[] address = null;
        String label = "";
        int protocol = 0;
        for (Attribute attribute : attributes(message, base + IFADDRMSG_SIZE)) {
            switch (attribute.type()) {
                case IFA_LOCAL -> local = attribute.bytes();
                case IFA_ADDRESS -> address = attribute.bytes();
                case IFA_LABEL -> label = attribute.string();
                case IFA_FLAGS -> flags = attribute.payload().getInt(0);
                case IFA_PROTO -> protocol = Byte.toUnsignedInt(attribute.payload().get(0));
                default -> {
                }
            }
        }
        byte[] chosen = local != null ? local : address;
        if (chosen == null) {
            throw new IllegalArgumentException("RTM_NEWADDR for ifindex " + ifindex + " carries no address");
        }
        return new InstalledAddress(ifindex, chosen, prefixLength, scope, flags, protocol, label);
    }

    /** The index, name and MAC of an RTM_NEWLINK message. */
    static Link link(ByteBuffer message) {
        int index = message.getInt(NLMSG_HDRLEN + 4);
        int flags = message.getInt(NLMSG_HDRLEN + 8); // struct ifinfomsg: family, pad, type, index, flags, change
        String name = "";
        byte[] mac = new byte[0];
        for (Attribute attribute : attributes(message, NLMSG_HDRLEN + IFINFOMSG_SIZE)) {
            if (attribute.type() == IFLA_IFNAME) {
                name = attribute.string();
            } else if (attribute.type() == IFLA_ADDRESS) {
                mac = attribute.bytes();
            }
        }
        return new Link(index, name, mac, flags);
    }

    /** One {@code struct rtattr} and its payload. */
    record Attribute(int type, ByteBuffer payload) {
        byte[] bytes() {
            byte[] bytes = new byte[payload.remaining()];
            payload.duplicate().get(bytes);
            return bytes;
        }

        /** A NUL-terminated string payload. */
        String string() {
            byte[] bytes = bytes();
            int end = 0;
            while (end < bytes.length && bytes[end] != 0) {
                end++;
            }
            return new String(bytes, 0, end, StandardCharsets.UTF_8);
        }
    }

    static List<Attribute> attributes(ByteBuffer message, int start) {
        List<Attribute> attributes = new ArrayList<>();
        int offset = start;
        while (offset + 4 <= message.limit()) {
            int length = Short.toUnsignedInt(message.getShort(offset));
            int type = Short.toUnsignedInt(message.getShort(offset + 2)) & NLA_TYPE_MASK;
            if (length < 4 || offset + length > message.limit()) {
                break; // a truncated attribute ends the list, as in the kernel's RTA_OK
            }
            attributes.add(new Attribute(type, message.slice(offset + 4, length - 4).order(message.order())));
            offset += align(length);
        }
        return attributes;
    }

    private static void ifaddrmsg(Writer writer, AddressRequest request, int flags) {
        writer.buffer.put((byte) request.family()).put((byte) request.prefixLength()).put((byte) flags)
                .put((byte) RT_SCOPE_UNIVERSE).putInt(request.ifindex());
    }

    private static void ifinfomsg(Writer writer) {
        writer.buffer.put((byte) Libc.AF_UNSPEC).put((byte) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0);
    }

    private static byte[] cString(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, withNul, 0, utf8.length);
        return withNul;
    }

    /** Builds one message: header, fixed part, attributes; the length is filled in by {@link #finish()}. */
    private static final class Writer {
        final ByteBuffer buffer = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());

        Writer(int type, int flags, int sequence) {
            buffer.putInt(0).putShort((short) type).putShort((short) flags).putInt(sequence).putInt(0);
        }

        void attribute(int type, byte[] payload) {
            buffer.putShort((short) (4 + payload.length)).putShort((short) type).put(payload);
            pad();
        }

        void attributeInt(int type, int value) {
            buffer.putShort((short) 8).putShort((short) type).putInt(value);
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
}
