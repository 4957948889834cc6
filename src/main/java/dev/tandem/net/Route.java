package dev.tandem.net;

import java.util.Arrays;

/**
 * One route of the kernel's routing tables, as {@code struct rtmsg} and its RTA_* attributes (linux/rtnetlink.h)
 * describe it.
 *
 * @param family          AF_INET (2) or AF_INET6 (10)
 * @param destination     the prefix, 4 or 16 bytes (all zero for a default route)
 * @param prefixLength    0 for a default route
 * @param gateway         RTA_GATEWAY, null for a route without next hop (on-link, or multipath)
 * @param outputInterface RTA_OIF, 0 when absent (multipath)
 * @param metric          RTA_PRIORITY
 * @param table           RT_TABLE_MAIN is 254
 * @param protocol        who added it: 2 kernel, 3 boot, 4 static, 16 dhcp, {@link #TANDEM_PROTOCOL} tandem
 * @param scope           RT_SCOPE_UNIVERSE 0, RT_SCOPE_LINK 253, RT_SCOPE_HOST 254
 * @param type            RTN_UNICAST 1, RTN_LOCAL 2, ...
 * @param preferredSource RTA_PREFSRC, null when absent
 * @param multipath       the RTA_MULTIPATH payload as the kernel sent it, null when absent
 */
public record Route(int family, byte[] destination, int prefixLength, byte[] gateway, int outputInterface, int metric,
                    int table, int protocol, int scope, int type, byte[] preferredSource, byte[] multipath) {
    public static final int TABLE_MAIN = 254;
    public static final int PROTOCOL_KERNEL = 2;
    public static final int PROTOCOL_BOOT = 3;
    public static final int PROTOCOL_STATIC = 4;
    /** Router advertisements (IPv6): the kernel puts them back by itself. */
    public static final int PROTOCOL_RA = 9;
    /** How tandem marks its routes: 231 (0xE7), far from the values iproute2's rt_protos names. */
    public static final int TANDEM_PROTOCOL = 0xE7;
    public static final int SCOPE_UNIVERSE = 0;
    public static final int TYPE_UNICAST = 1;

    public Route {
        AddressText.requireIp(destination, "route destination");
        destination = destination.clone();
        gateway = gateway == null ? null : gateway.clone();
        preferredSource = preferredSource == null ? null : preferredSource.clone();
        multipath = multipath == null ? null : multipath.clone();
    }

    /** A unicast default route in the main table via {@code gateway} on interface {@code outputInterface}. */
    public static Route defaultVia(byte[] gateway, int outputInterface, int metric, int protocol) {
        AddressText.requireIp(gateway, "gateway");
        return new Route(gateway.length == 4 ? Libc.AF_INET : Libc.AF_INET6, new byte[gateway.length], 0, gateway,
                outputInterface, metric, TABLE_MAIN, protocol, SCOPE_UNIVERSE, TYPE_UNICAST, null, null);
    }

    /** The same route on another interface (moving a route from a slave to its bond). */
    public Route onInterface(int index) {
        return new Route(family, destination, prefixLength, gateway, index, metric, table, protocol, scope, type,
                preferredSource, multipath);
    }

    public Route withProtocol(int otherProtocol) {
        return new Route(family, destination, prefixLength, gateway, outputInterface, metric, table, otherProtocol,
                scope, type, preferredSource, multipath);
    }

    public boolean isDefault() {
        return prefixLength == 0;
    }

    public boolean isIpv4() {
        return family == Libc.AF_INET;
    }

    @Override
    public byte[] destination() {
        return destination.clone();
    }

    @Override
    public byte[] gateway() {
        return gateway == null ? null : gateway.clone();
    }

    @Override
    public byte[] preferredSource() {
        return preferredSource == null ? null : preferredSource.clone();
    }

    @Override
    public byte[] multipath() {
        return multipath == null ? null : multipath.clone();
    }

    /** The gateway as text, or null. */
    public String gatewayText() {
        return gateway == null ? null : AddressText.of(gateway);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Route r && family == r.family && prefixLength == r.prefixLength
                && outputInterface == r.outputInterface && metric == r.metric && table == r.table
                && protocol == r.protocol && scope == r.scope && type == r.type
                && Arrays.equals(destination, r.destination) && Arrays.equals(gateway, r.gateway)
                && Arrays.equals(preferredSource, r.preferredSource) && Arrays.equals(multipath, r.multipath);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(destination) * 31 + Arrays.hashCode(gateway) * 17 + outputInterface * 7 + metric;
    }

    /** As {@code ip route} would print it, with the interface as an index: {@code default via 10.0.1.1 dev #3 metric 100 proto 231}. */
    @Override
    public String toString() {
        return describe("#" + outputInterface);
    }

    /** As {@code ip route} would print it, with the interface's name. */
    public String describe(String interfaceName) {
        StringBuilder s = new StringBuilder(isDefault() ? "default" : AddressText.of(destination, prefixLength));
        if (gateway != null) {
            s.append(" via ").append(AddressText.of(gateway));
        }
        if (outputInterface != 0) {
            s.append(" dev ").append(interfaceName);
        }
        if (multipath != null) {
            s.append(" (multipath)");
        }
        s.append(" proto ").append(protocol).append(" metric ").append(metric);
        if (table != TABLE_MAIN) {
            s.append(" table ").append(table);
        }
        return s.toString();
    }
}
