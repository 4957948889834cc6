package dev.tandem.net;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The routing tables of one network namespace, read and changed over rtnetlink as {@code ip route} does. Thread-safe,
 * one request at a time; bound for good to the network namespace of the thread that opened it.
 */
public final class RouteTable implements Closeable {
    /** ESRCH: what RTM_DELROUTE answers when no such route exists. */
    static final int ESRCH = 3;

    private final NetlinkSocket netlink;

    private RouteTable(NetlinkSocket netlink) {
        this.netlink = netlink;
    }

    public static RouteTable open() throws ErrnoException {
        return new RouteTable(NetlinkSocket.open());
    }

    /** The routes of the main table (IPv4 and IPv6), as {@code ip route show} and {@code ip -6 route show} list them. */
    public List<Route> mainTable() throws IOException {
        List<Route> routes = new ArrayList<>();
        for (ByteBuffer m : netlink.dump(RouteMessages.dumpRoutes(netlink.nextSequence(), Libc.AF_UNSPEC),
                "netlink RTM_GETROUTE", "")) {
            if (NetlinkMessages.header(m).type() == RouteMessages.RTM_NEWROUTE) {
                Route r = RouteMessages.route(m);
                if (r.table() == Route.TABLE_MAIN) {
                    routes.add(r);
                }
            }
        }
        return List.copyOf(routes);
    }

    /** Adds a route; fails with EEXIST when one with the same destination and metric exists. */
    public void add(Route route) throws IOException {
        change(RouteMessages.newRoute(netlink.nextSequence(), route, RouteMessages.Existing.FAIL), "netlink RTM_NEWROUTE",
                route);
    }

    /**
     * Puts the route in place of the one with the same destination and metric, in one step (or adds it): traffic
     * never sees the table without a route there.
     */
    public void replace(Route route) throws IOException {
        change(RouteMessages.newRoute(netlink.nextSequence(), route, RouteMessages.Existing.REPLACE),
                "netlink RTM_NEWROUTE (replace)", route);
    }

    /**
     * Adds the route beside one with the same destination and metric ({@code ip route append}), as seed 000's host
     * has its two default routes.
     */
    public void append(Route route) throws IOException {
        change(RouteMessages.newRoute(netlink.nextSequence(), route, RouteMessages.Existing.APPEND),
                "netlink RTM_NEWROUTE (append)", route);
    }

    /** Deletes the route; false when there was none. */
    public boolean delete(Route route) throws IOException {
        try {
            change(RouteMessages.deleteRoute(netlink.nextSequence(), route), "netlink RTM_DELROUTE", route);
            return true;
        } catch (ErrnoException e) {
            if (e.errno() == ESRCH) {
                return false;
            }
            throw e;
        }
    }

    private void change(byte[] request, String call, Route route) throws IOException {
        try {
            netlink.acknowledged(request, call, route.toString());
        } catch (ErrnoException e) {
            if (e.errno() == ErrnoException.EPERM && !Capabilities.ofThisProcess().has(Capabilities.CAP_NET_ADMIN)) {
                throw new ErrnoException(call, route.toString(), e.errno(), Capabilities.permissionHint());
            }
            throw e;
        }
    }

    @Override
    public void close() {
        netlink.close();
    }
}
