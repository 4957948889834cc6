package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.ProbeSpec;
import dev.tandem.net.ArpProbe;
import dev.tandem.net.BondOptions;
import dev.tandem.net.GatewayProbe;
import dev.tandem.net.IcmpProbe;
import dev.tandem.net.InterfaceAddresses;
import dev.tandem.net.LinkState;
import dev.tandem.net.LinkTable;
import dev.tandem.net.Route;
import dev.tandem.net.RouteTable;

import java.io.IOException;

/**
 * {@link HostNetwork} over rtnetlink, in the network namespace of the thread that opens it (the host's, for the
 * agent; a test's namespace in tests). Probes opened later are opened on the calling thread, so open them from a
 * thread in the same namespace.
 */
public final class NetlinkHostNetwork implements HostNetwork {
    private final LinkTable links;
    private final RouteTable routes;
    private final InterfaceAddresses addresses;

    private NetlinkHostNetwork(LinkTable links, RouteTable routes, InterfaceAddresses addresses) {
        this.links = links;
        this.routes = routes;
        this.addresses = addresses;
    }

    public static NetlinkHostNetwork open() throws IOException {
        LinkTable l = LinkTable.open();
        try {
            RouteTable r = RouteTable.open();
            try {
                return new NetlinkHostNetwork(l, r, InterfaceAddresses.open());
            } catch (IOException | RuntimeException e) {
                r.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
    }

    @Override
    public NodeNetwork snapshot() throws IOException {
        return new NodeNetwork(links.links(), addresses.all(), routes.mainTable());
    }

    @Override
    public LinkState link(String name) throws IOException {
        return links.require(name);
    }

    @Override
    public void createBond(String name, BondOptions options) throws IOException {
        links.createBond(name, options);
    }

    @Override
    public void changeBond(LinkState bond, BondOptions options) throws IOException {
        links.changeBond(bond, options);
    }

    @Override
    public void setUp(LinkState link, boolean up) throws IOException {
        links.setUp(link, up);
    }

    @Override
    public void setMaster(LinkState link, LinkState master) throws IOException {
        links.setMaster(link, master);
    }

    @Override
    public void deleteLink(LinkState link) throws IOException {
        links.delete(link);
    }

    @Override
    public void addAddress(LinkState link, byte[] address, int prefixLength, String label) throws IOException {
        addresses.add(link.index(), link.name(), address, prefixLength, label);
    }

    @Override
    public void removeAddress(LinkState link, byte[] address, int prefixLength) throws IOException {
        addresses.remove(link.index(), link.name(), address, prefixLength);
    }

    @Override
    public void addRoute(Route route) throws IOException {
        routes.add(route);
    }

    @Override
    public void appendRoute(Route route) throws IOException {
        routes.append(route);
    }

    @Override
    public void replaceRoute(Route route) throws IOException {
        routes.replace(route);
    }

    @Override
    public boolean deleteRoute(Route route) throws IOException {
        return routes.delete(route);
    }

    @Override
    public LinkEvents openLinkEvents() throws IOException {
        return LinkEvents.of(dev.tandem.net.LinkMonitor.open());
    }

    @Override
    public GatewayProbe openProbe(ProbeSpec.Method method, String interfaceName, byte[] gateway) throws IOException {
        return method == ProbeSpec.Method.icmp ? IcmpProbe.open(interfaceName, gateway)
                : ArpProbe.open(interfaceName, gateway);
    }

    @Override
    public void close() {
        links.close();
        routes.close();
        addresses.close();
    }
}
