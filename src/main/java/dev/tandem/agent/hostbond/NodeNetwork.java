package dev.tandem.agent.hostbond;

import dev.tandem.net.InstalledAddress;
import dev.tandem.net.LinkState;
import dev.tandem.net.Route;

import java.util.List;
import java.util.Optional;

/**
 * What a node's network looks like at one moment: its interfaces, their addresses and the main routing table. Taken
 * before a HostBond changes anything, it is the configuration that a rollback restores.
 */
public record NodeNetwork(List<LinkState> links, List<InstalledAddress> addresses, List<Route> routes) {
    static final int RT_SCOPE_LINK = 253;
    static final int RT_SCOPE_HOST = 254;

    public NodeNetwork {
        links = List.copyOf(links);
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
    }

    public Optional<LinkState> link(String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    public Optional<LinkState> link(int index) {
        return links.stream().filter(l -> l.index() == index).findFirst();
    }

    /** The interface's name, or {@code #index} when it is gone. */
    public String name(int index) {
        return link(index).map(LinkState::name).orElse("#" + index);
    }

    public List<String> names() {
        return links.stream().map(LinkState::name).toList();
    }

    /** The addresses the node configured on the interface: global and site scope, not IPv6 link-local ones. */
    public List<InstalledAddress> configuredAddresses(int index) {
        return addresses.stream()
                .filter(a -> a.interfaceIndex() == index && a.scope() != RT_SCOPE_LINK && a.scope() != RT_SCOPE_HOST)
                .toList();
    }

    /** IPv4 and IPv6 default routes of the main table. */
    public List<Route> defaultRoutes() {
        return routes.stream().filter(Route::isDefault).toList();
    }

    /** {@code ip route} text of a route, with its interface's name. */
    public String describe(Route route) {
        return route.describe(name(route.outputInterface()));
    }
}
