package dev.tandem.net;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The network interfaces of one network namespace, read and changed over rtnetlink as {@code ip link} does: create
 * and change bonds, enslave and release interfaces, set them up or down, delete them. Thread-safe, one request at a
 * time; bound for good to the network namespace of the thread that opened it.
 */
public final class LinkTable implements Closeable {
    /** EOPNOTSUPP: what RTM_NEWLINK answers for a kind of link the kernel has no driver for. */
    static final int EOPNOTSUPP = 95;

    private final NetlinkSocket netlink;

    private LinkTable(NetlinkSocket netlink) {
        this.netlink = netlink;
    }

    public static LinkTable open() throws ErrnoException {
        return new LinkTable(NetlinkSocket.open());
    }

    /** Every interface, in index order. */
    public List<LinkState> links() throws IOException {
        List<LinkState> links = new ArrayList<>();
        for (ByteBuffer m : netlink.dump(NetlinkMessages.dumpLinks(netlink.nextSequence()), "netlink RTM_GETLINK", "")) {
            if (NetlinkMessages.header(m).type() == NetlinkMessages.RTM_NEWLINK) {
                links.add(LinkMessages.link(m));
            }
        }
        return List.copyOf(links);
    }

    public Optional<LinkState> find(String name) throws IOException {
        try {
            return Optional.of(LinkMessages.link(netlink.single(NetlinkMessages.getLink(netlink.nextSequence(), name),
                    "netlink RTM_GETLINK", name)));
        } catch (ErrnoException e) {
            if (e.errno() == ErrnoException.ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** @throws InterfaceNotFoundException naming the interfaces that exist */
    public LinkState require(String name) throws IOException {
        if (name.length() > Interfaces.MAX_NAME_LENGTH) {
            throw new InterfaceNotFoundException(name, names());
        }
        Optional<LinkState> link = find(name);
        if (link.isEmpty()) {
            throw new InterfaceNotFoundException(name, names());
        }
        return link.get();
    }

    private List<String> names() throws IOException {
        return links().stream().map(LinkState::name).toList();
    }

    /**
     * Creates an active-backup bond, down.
     *
     * @throws BondingUnavailableException when the kernel has no bonding driver
     */
    public void createBond(String name, BondOptions options) throws IOException {
        String call = "netlink RTM_NEWLINK type bond";
        try {
            change(LinkMessages.createBond(netlink.nextSequence(), name, options), call, name);
        } catch (ErrnoException e) {
            if (e.errno() == EOPNOTSUPP) {
                throw new BondingUnavailableException(name, e);
            }
            throw e;
        }
    }

    /** Changes the options of an existing bond, except its mode and fail_over_mac. */
    public void changeBond(LinkState bond, BondOptions options) throws IOException {
        change(LinkMessages.changeBond(netlink.nextSequence(), bond.index(), options),
                "netlink RTM_NEWLINK (bond options)", bond.name());
    }

    /** Enslaves the interface to {@code master} (the kernel refuses one that is up), or releases it with null. */
    public void setMaster(LinkState link, LinkState master) throws IOException {
        change(LinkMessages.setMaster(netlink.nextSequence(), link.index(), master == null ? 0 : master.index()),
                master == null ? "netlink RTM_NEWLINK (nomaster)" : "netlink RTM_NEWLINK (master " + master.name() + ")",
                link.name());
    }

    public void setUp(LinkState link, boolean up) throws IOException {
        change(LinkMessages.setUp(netlink.nextSequence(), link.index(), up),
                "netlink RTM_NEWLINK (" + (up ? "up" : "down") + ")", link.name());
    }

    public void delete(LinkState link) throws IOException {
        change(LinkMessages.deleteLink(netlink.nextSequence(), link.index()), "netlink RTM_DELLINK", link.name());
    }

    private void change(byte[] request, String call, String subject) throws IOException {
        try {
            netlink.acknowledged(request, call, subject);
        } catch (ErrnoException e) {
            if (e.errno() == ErrnoException.EPERM && !Capabilities.ofThisProcess().has(Capabilities.CAP_NET_ADMIN)) {
                throw new ErrnoException(call, subject, e.errno(), Capabilities.permissionHint());
            }
            throw e;
        }
    }

    @Override
    public void close() {
        netlink.close();
    }
}
