package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.ProbeSpec;
import dev.tandem.net.BondOptions;
import dev.tandem.net.BondingUnavailableException;
import dev.tandem.net.ErrnoException;
import dev.tandem.net.GatewayProbe;
import dev.tandem.net.InstalledAddress;
import dev.tandem.net.InterfaceNotFoundException;
import dev.tandem.net.LinkState;
import dev.tandem.net.Route;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;

/**
 * A node's network as the kernel keeps it, in memory, with the kernel's refusals that matter to a HostBond: no bond
 * without a bonding driver, no enslaving of an interface that is up (EPERM, "Device can not be enslaved while up"), no
 * route through an interface that is down or to a gateway outside its subnets, EEXIST for a second route at the same
 * destination and metric; and its side effects: an interface set down or an address removed takes its routes along.
 * Every change is logged in order. Gateways answer probes as {@link #answers} says.
 */
final class FakeHost implements HostNetwork {
    private final Map<String, LinkState> links = new LinkedHashMap<>();
    private final List<InstalledAddress> addresses = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    private int nextIndex = 1;
    boolean bondingDriver = true;
    /** Whether the gateway answers a probe through the named interface; by default every gateway answers. */
    volatile BiPredicate<String, byte[]> answers = (iface, gateway) -> true;
    final Set<String> probesOpened = new HashSet<>();
    /** A change the kernel refuses (ENODEV), as the log names it, e.g. "enslave wlan0 to bond0"; null for none. */
    volatile String refuse;

    FakeHost withLink(String name) {
        int index = ++nextIndex;
        links.put(name, new LinkState(index, name, LinkState.IFF_UP | LinkState.IFF_LOWER_UP, 0, "", null, 0));
        return this;
    }

    FakeHost withAddress(String link, String ip, int prefix) {
        addresses.add(new InstalledAddress(index(link), bytes(ip), prefix, 0, 0x80, 0, link));
        return this;
    }

    FakeHost withRoute(Route r) {
        routes.add(r);
        return this;
    }

    int index(String name) {
        return links.get(name).index();
    }

    static byte[] bytes(String ip) {
        String[] p = ip.split("\\.");
        return new byte[] {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]), (byte) Integer.parseInt(p[2]),
                (byte) Integer.parseInt(p[3])};
    }

    @Override
    public synchronized NodeNetwork snapshot() {
        return new NodeNetwork(List.copyOf(links.values()), List.copyOf(addresses), List.copyOf(routes));
    }

    @Override
    public synchronized LinkState link(String name) throws IOException {
        LinkState l = links.get(name);
        if (l == null) {
            throw new InterfaceNotFoundException(name, List.copyOf(links.keySet()));
        }
        return l;
    }

    @Override
    public synchronized void createBond(String name, BondOptions options) throws IOException {
        log.add("create " + name);
        if (!bondingDriver) {
            throw new BondingUnavailableException(name, new ErrnoException("netlink RTM_NEWLINK type bond", name, 95,
                    "Unknown device type"));
        }
        int index = ++nextIndex;
        links.put(name, new LinkState(index, name, 0, 0, "bond", options, 0));
    }

    @Override
    public synchronized void changeBond(LinkState bond, BondOptions options) {
        log.add("change " + bond.name());
        LinkState b = links.get(bond.name());
        links.put(b.name(), new LinkState(b.index(), b.name(), b.flags(), b.master(), b.kind(), options, b.activeSlave()));
    }

    @Override
    public synchronized void setUp(LinkState link, boolean up) {
        log.add((up ? "up " : "down ") + link.name());
        LinkState l = links.get(link.name());
        int flags = up ? l.flags() | LinkState.IFF_UP | LinkState.IFF_LOWER_UP : 0;
        put(l, flags, l.master());
        if (!up) {
            routes.removeIf(r -> r.outputInterface() == l.index());
        }
        if (up && l.isBond()) {
            chooseActive(l.name());
        }
    }

    @Override
    public synchronized void setMaster(LinkState link, LinkState master) throws IOException {
        String entry = master == null ? "release " + link.name() : "enslave " + link.name() + " to " + master.name();
        log.add(entry);
        if (entry.equals(refuse)) {
            throw new ErrnoException("netlink RTM_NEWLINK", link.name(), ErrnoException.ENODEV, "refused by the test");
        }
        LinkState l = links.get(link.name());
        if (master != null && l.isUp()) {
            throw new ErrnoException("netlink RTM_NEWLINK (master " + master.name() + ")", link.name(),
                    ErrnoException.EPERM, "Device can not be enslaved while up");
        }
        // The kernel opens a slave as it enslaves it, and closes it as it releases it.
        put(l, master == null ? 0 : LinkState.IFF_UP | LinkState.IFF_LOWER_UP, master == null ? 0 : master.index());
        if (master != null) {
            chooseActive(master.name());
        }
    }

    private void chooseActive(String bond) {
        LinkState b = links.get(bond);
        int active = links.values().stream().filter(s -> s.master() == b.index()).mapToInt(LinkState::index)
                .findFirst().orElse(0);
        links.put(bond, new LinkState(b.index(), b.name(), b.flags(), b.master(), b.kind(), b.bond(), active));
    }

    private void put(LinkState l, int flags, int master) {
        links.put(l.name(), new LinkState(l.index(), l.name(), flags, master, l.kind(), l.bond(), l.activeSlave()));
    }

    @Override
    public synchronized void deleteLink(LinkState link) {
        log.add("delete " + link.name());
        LinkState l = links.remove(link.name());
        addresses.removeIf(a -> a.interfaceIndex() == l.index());
        routes.removeIf(r -> r.outputInterface() == l.index());
    }

    @Override
    public synchronized void addAddress(LinkState link, byte[] address, int prefixLength, String label) {
        log.add("add " + text(address) + "/" + prefixLength + " to " + link.name());
        addresses.add(new InstalledAddress(link.index(), address, prefixLength, 0, 0x80, 0, label));
    }

    @Override
    public synchronized void removeAddress(LinkState link, byte[] address, int prefixLength) {
        log.add("remove " + text(address) + "/" + prefixLength + " from " + link.name());
        addresses.removeIf(a -> a.interfaceIndex() == link.index() && a.matches(address, prefixLength));
        routes.removeIf(r -> r.outputInterface() == link.index() && r.gateway() != null
                && !reachable(link.index(), r.gateway()));
    }

    private boolean reachable(int index, byte[] gateway) {
        return addresses.stream().anyMatch(a -> a.interfaceIndex() == index && a.address().length == gateway.length
                && HostBondPlanner.sameSubnet(a.address(), gateway, a.prefixLength()));
    }

    @Override
    public synchronized void addRoute(Route route) throws IOException {
        log.add("add route " + describe(route));
        check(route);
        if (routes.stream().anyMatch(r -> sameSlot(r, route))) {
            throw new ErrnoException("netlink RTM_NEWROUTE", route.toString(), ErrnoException.EEXIST);
        }
        routes.add(route);
    }

    @Override
    public synchronized void appendRoute(Route route) throws IOException {
        log.add("append route " + describe(route));
        check(route);
        routes.add(route);
    }

    @Override
    public synchronized void replaceRoute(Route route) throws IOException {
        log.add("replace route " + describe(route));
        check(route);
        for (int i = 0; i < routes.size(); i++) {
            if (sameSlot(routes.get(i), route)) {
                routes.set(i, route);
                return;
            }
        }
        routes.add(route);
    }

    private void check(Route route) throws IOException {
        LinkState l = links.values().stream().filter(x -> x.index() == route.outputInterface()).findFirst().orElse(null);
        if (l == null || !l.isUp()) {
            throw new ErrnoException("netlink RTM_NEWROUTE", route.toString(), ErrnoException.ENETDOWN,
                    "Nexthop device is not up");
        }
        if (route.gateway() != null && !reachable(l.index(), route.gateway())) {
            throw new ErrnoException("netlink RTM_NEWROUTE", route.toString(), ErrnoException.ENETUNREACH,
                    "Nexthop has invalid gateway");
        }
    }

    private static boolean sameSlot(Route a, Route b) {
        return a.prefixLength() == b.prefixLength() && Arrays.equals(a.destination(), b.destination())
                && a.metric() == b.metric() && a.table() == b.table();
    }

    @Override
    public synchronized boolean deleteRoute(Route route) {
        log.add("delete route " + describe(route));
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (r.prefixLength() == route.prefixLength() && Arrays.equals(r.destination(), route.destination())
                    && Arrays.equals(r.gateway(), route.gateway()) && r.outputInterface() == route.outputInterface()
                    && (route.metric() == 0 || r.metric() == route.metric())
                    && (route.protocol() == 0 || r.protocol() == route.protocol())) {
                routes.remove(i);
                return true;
            }
        }
        return false;
    }

    /** Carrier changes as the kernel announces them: {@link #carrier} queues one. */
    private final java.util.concurrent.BlockingQueue<dev.tandem.net.LinkMonitor.Change> linkChanges =
            new java.util.concurrent.LinkedBlockingQueue<>();

    @Override
    public LinkEvents openLinkEvents() {
        return new LinkEvents() {
            @Override
            public List<dev.tandem.net.LinkMonitor.Change> next(Duration timeout) {
                try {
                    dev.tandem.net.LinkMonitor.Change c = linkChanges.poll(timeout.toMillis(),
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                    return c == null ? List.of() : List.of(c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public synchronized GatewayProbe openProbe(ProbeSpec.Method method, String interfaceName, byte[] gateway)
            throws IOException {
        link(interfaceName);
        probesOpened.add(interfaceName);
        return new GatewayProbe() {
            @Override
            public boolean probe(Duration timeout) throws IOException {
                boolean up;
                synchronized (FakeHost.this) {
                    LinkState l = links.get(interfaceName);
                    up = l != null && l.hasCarrier();
                }
                return up && answers.test(interfaceName, gateway);
            }

            @Override
            public String describe() {
                return method + " for " + text(gateway) + " on " + interfaceName;
            }

            @Override
            public void close() {
            }
        };
    }

    /** Sets the interface's carrier (the cable), as a switch port that goes down does. */
    synchronized void carrier(String name, boolean on) {
        LinkState l = links.get(name);
        put(l, on ? l.flags() | LinkState.IFF_LOWER_UP : l.flags() & ~LinkState.IFF_LOWER_UP, l.master());
        linkChanges.add(new dev.tandem.net.LinkMonitor.Change(l.index(), name, on && l.isUp(), false));
    }

    synchronized String describe(Route r) {
        String dev = links.values().stream().filter(l -> l.index() == r.outputInterface()).map(LinkState::name)
                .findFirst().orElse("#" + r.outputInterface());
        return r.describe(dev);
    }

    /** The main table as {@code ip route} would list it, one route per entry. */
    synchronized List<String> routes() {
        return routes.stream().map(this::describe).toList();
    }

    static String text(byte[] a) {
        return (a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + "." + (a[3] & 0xFF);
    }

    @Override
    public void close() {
    }
}
