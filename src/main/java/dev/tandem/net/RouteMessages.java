package dev.tandem.net;

import java.nio.ByteBuffer;

/**
 * rtnetlink route requests and the parsing of route dumps as pure functions: {@code struct rtmsg} (12 bytes:
 * family, dst_len, src_len, tos, table, protocol, scope, type, u32 flags) and its RTA_* attributes
 * (linux/rtnetlink.h), in the host's byte order. Attributes go in the order {@code ip route} sends them.
 */
final class RouteMessages {
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_APPEND = 0x800;
    static final int RTMSG_SIZE = 12;
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_PREFSRC = 7;
    static final int RTA_MULTIPATH = 9;
    static final int RTA_TABLE = 15;
    /** Matches any scope in a delete request, as iproute2 sends it. */
    static final int RT_SCOPE_NOWHERE = 255;
    static final int RT_TABLE_UNSPEC = 0;

    private RouteMessages() {
    }

    /** How RTM_NEWROUTE treats a route with the same destination, tos and metric. */
    enum Existing {
        /** {@code ip route add}: fail with EEXIST (NLM_F_EXCL). */
        FAIL(NetlinkMessages.NLM_F_EXCL),
        /** {@code ip route replace}: swap it for this one in one step, or create (NLM_F_REPLACE). */
        REPLACE(NLM_F_REPLACE),
        /** {@code ip route append}: keep it and add this one after it (NLM_F_APPEND). */
        APPEND(NLM_F_APPEND);

        final int flag;

        Existing(int flag) {
            this.flag = flag;
        }
    }

    /** RTM_NEWROUTE, acknowledged. */
    static byte[] newRoute(int sequence, Route route, Existing existing) {
        int flags = NetlinkMessages.NLM_F_REQUEST | NetlinkMessages.NLM_F_ACK | NetlinkMessages.NLM_F_CREATE
                | existing.flag;
        NetlinkWriter w = new NetlinkWriter(RTM_NEWROUTE, flags, sequence);
        rtmsg(w, route, route.protocol(), route.scope(), route.type());
        attributes(w, route, true);
        return w.finish();
    }

    /**
     * RTM_DELROUTE of the route with this destination, gateway, interface and metric, whatever its scope ({@code ip
     * route del ... [proto P]}). A route's protocol, when it has one, narrows the match: metric 0 in a delete request
     * matches any metric, and the protocol keeps it from taking a route of someone else's.
     */
    static byte[] deleteRoute(int sequence, Route route) {
        NetlinkWriter w = new NetlinkWriter(RTM_DELROUTE, NetlinkMessages.NLM_F_REQUEST | NetlinkMessages.NLM_F_ACK,
                sequence);
        rtmsg(w, route, route.protocol(), RT_SCOPE_NOWHERE, 0);
        attributes(w, route, false);
        return w.finish();
    }

    /** RTM_GETROUTE dump of every route of a family (AF_UNSPEC for both), every table. */
    static byte[] dumpRoutes(int sequence, int family) {
        NetlinkWriter w = new NetlinkWriter(RTM_GETROUTE, NetlinkMessages.NLM_F_REQUEST | NetlinkMessages.NLM_F_DUMP,
                sequence);
        w.u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
        return w.finish();
    }

    private static void rtmsg(NetlinkWriter w, Route route, int protocol, int scope, int type) {
        w.u8(route.family()).u8(route.prefixLength()).u8(0).u8(0)
                .u8(route.table() < 256 ? route.table() : RT_TABLE_UNSPEC)
                .u8(protocol).u8(scope).u8(type).u32(0);
    }

    private static void attributes(NetlinkWriter w, Route route, boolean adding) {
        if (route.prefixLength() > 0) {
            w.attribute(RTA_DST, route.destination());
        }
        if (route.gateway() != null) {
            w.attribute(RTA_GATEWAY, route.gateway());
        }
        if (route.metric() != 0 || adding) {
            w.attributeU32(RTA_PRIORITY, route.metric());
        }
        if (adding && route.preferredSource() != null) {
            w.attribute(RTA_PREFSRC, route.preferredSource());
        }
        if (route.outputInterface() != 0) {
            w.attributeU32(RTA_OIF, route.outputInterface());
        }
        if (route.table() >= 256) {
            w.attributeU32(RTA_TABLE, route.table());
        }
        if (route.multipath() != null) {
            w.attribute(RTA_MULTIPATH, route.multipath());
        }
    }

    /** The route an RTM_NEWROUTE message (a dump entry) describes. */
    static Route route(ByteBuffer message) {
        int base = NetlinkMessages.NLMSG_HDRLEN;
        int family = Byte.toUnsignedInt(message.get(base));
        int prefixLength = Byte.toUnsignedInt(message.get(base + 1));
        int table = Byte.toUnsignedInt(message.get(base + 4));
        int protocol = Byte.toUnsignedInt(message.get(base + 5));
        int scope = Byte.toUnsignedInt(message.get(base + 6));
        int type = Byte.toUnsignedInt(message.get(base + 7));
        byte[] destination = new byte[family == Libc.AF_INET6 ? 16 : 4];
        byte[] gateway = null;
        byte[] source = null;
        byte[] multipath = null;
        int oif = 0;
        int metric = 0;
        for (NetlinkMessages.Attribute a : NetlinkMessages.attributes(message, base + RTMSG_SIZE)) {
            switch (a.type()) {
                case RTA_DST -> destination = a.bytes();
                case RTA_GATEWAY -> gateway = a.bytes();
                case RTA_OIF -> oif = a.payload().getInt(0);
                case RTA_PRIORITY -> metric = a.payload().getInt(0);
                case RTA_PREFSRC -> source = a.bytes();
                case RTA_TABLE -> table = a.payload().getInt(0);
                case RTA_MULTIPATH -> multipath = a.bytes();
                default -> {
                }
            }
        }
        return new Route(family, destination, prefixLength, gateway, oif, metric, table, protocol, scope, type, source,
                multipath);
    }
}
