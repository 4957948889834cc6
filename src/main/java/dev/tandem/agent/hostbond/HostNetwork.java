package dev.tandem.agent.hostbond;

import dev.tandem.api.v1alpha1.ProbeSpec;
import dev.tandem.net.BondOptions;
import dev.tandem.net.GatewayProbe;
import dev.tandem.net.LinkState;
import dev.tandem.net.Route;

import java.io.IOException;

/**
 * The changes a HostBond makes to a node's network, one kernel request each. {@link NetlinkHostNetwork} makes them
 * over rtnetlink; tests use a fake that also models what the kernel refuses.
 */
public interface HostNetwork extends AutoCloseable {
    NodeNetwork snapshot() throws IOException;

    /** The interface as it is now. @throws dev.tandem.net.InterfaceNotFoundException when it does not exist */
    LinkState link(String name) throws IOException;

    void createBond(String name, BondOptions options) throws IOException;

    void changeBond(LinkState bond, BondOptions options) throws IOException;

    void setUp(LinkState link, boolean up) throws IOException;

    /** Enslaves {@code link} to {@code master}, or releases it when {@code master} is null. */
    void setMaster(LinkState link, LinkState master) throws IOException;

    void deleteLink(LinkState link) throws IOException;

    void addAddress(LinkState link, byte[] address, int prefixLength, String label) throws IOException;

    void removeAddress(LinkState link, byte[] address, int prefixLength) throws IOException;

    void addRoute(Route route) throws IOException;

    /** Adds the route beside one with the same destination and metric ({@code ip route append}). */
    void appendRoute(Route route) throws IOException;

    /** Puts the route in place of the one with the same destination and metric, in one step. */
    void replaceRoute(Route route) throws IOException;

    /** @return false when there was no such route */
    boolean deleteRoute(Route route) throws IOException;

    /** Subscribes to link notifications (carrier lost or back, a bond's failover). */
    LinkEvents openLinkEvents() throws IOException;

    /** Opens a probe of {@code gateway} through the interface. */
    GatewayProbe openProbe(ProbeSpec.Method method, String interfaceName, byte[] gateway) throws IOException;

    @Override
    void close();
}
