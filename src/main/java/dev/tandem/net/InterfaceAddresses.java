package dev.tandem.net;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A host's own interface addresses, moved as {@code ip address add|del} would: unlike {@link AddressTable}, which adds
 * floating addresses with tandem's marking, these are the node's configuration (moved from the slaves to a bond, and
 * back), so they carry no marking that an election agent would clean up. IPv4 addresses get the broadcast address
 * of their prefix ({@code brd +}); IPv6 ones skip duplicate address detection, since they just left another interface
 * of the same host. Thread-safe; bound to the network namespace of the thread that opened it.
 */
public final class InterfaceAddresses implements Closeable {
    static final int IFA_BROADCAST = 4;

    private final NetlinkSocket netlink;

    private InterfaceAddresses(NetlinkSocket netlink) {
        this.netlink = netlink;
    }

    public static InterfaceAddresses open() throws ErrnoException {
        return new InterfaceAddresses(NetlinkSocket.open());
    }

    /** Every address of every interface, IPv4 and IPv6. */
    public List<InstalledAddress> all() throws IOException {
        List<InstalledAddress> addresses = new ArrayList<>();
        for (ByteBuffer m : netlink.dump(NetlinkMessages.dumpAddresses(netlink.nextSequence(), Libc.AF_UNSPEC),
                "netlink RTM_GETADDR", "")) {
            if (NetlinkMessages.header(m).type() == NetlinkMessages.RTM_NEWADDR) {
                addresses.add(NetlinkMessages.address(m));
            }
        }
        return List.copyOf(addresses);
    }

    /** Adds the address; one that is already there is left as it is. */
    public void add(int ifindex, String interfaceName, byte[] address, int prefixLength, String label)
            throws IOException {
        String call = "netlink RTM_NEWADDR " + AddressText.of(address, prefixLength);
        try {
            netlink.acknowledged(newAddress(netlink.nextSequence(), ifindex, address, prefixLength, label), call,
                    interfaceName);
        } catch (ErrnoException e) {
            if (e.errno() != ErrnoException.EEXIST) {
                throw e;
            }
        }
    }

    /** Removes the address; one that is not there is no error. */
    public void remove(int ifindex, String interfaceName, byte[] address, int prefixLength) throws IOException {
        NetlinkMessages.AddressRequest request = new NetlinkMessages.AddressRequest(ifindex, address.clone(),
                prefixLength, 0, 0, "");
        try {
            netlink.acknowledged(NetlinkMessages.deleteAddress(netlink.nextSequence(), request),
                    "netlink RTM_DELADDR " + AddressText.of(address, prefixLength), interfaceName);
        } catch (ErrnoException e) {
            if (e.errno() != ErrnoException.EADDRNOTAVAIL) {
                throw e;
            }
        }
    }

    /** RTM_NEWADDR as {@code ip address add A/P [label L] brd + dev D} sends it; IPv6 with IFA_F_NODAD. */
    static byte[] newAddress(int sequence, int ifindex, byte[] address, int prefixLength, String label) {
        AddressText.requireIp(address, "address");
        boolean ipv4 = address.length == 4;
        NetlinkWriter w = new NetlinkWriter(NetlinkMessages.RTM_NEWADDR, NetlinkMessages.NLM_F_REQUEST
                | NetlinkMessages.NLM_F_ACK | NetlinkMessages.NLM_F_CREATE | NetlinkMessages.NLM_F_EXCL, sequence);
        w.u8(ipv4 ? Libc.AF_INET : Libc.AF_INET6).u8(prefixLength).u8(ipv4 ? 0 : InstalledAddress.IFA_F_NODAD)
                .u8(NetlinkMessages.RT_SCOPE_UNIVERSE).u32(ifindex);
        w.attribute(NetlinkMessages.IFA_LOCAL, address);
        if (ipv4 && label != null && !label.isEmpty()) {
            w.attributeCString(NetlinkMessages.IFA_LABEL, label);
        }
        w.attribute(NetlinkMessages.IFA_ADDRESS, address);
        if (ipv4 && prefixLength <= 30) {
            w.attribute(IFA_BROADCAST, broadcast(address, prefixLength));
        }
        if (!ipv4) {
            w.attributeU32(NetlinkMessages.IFA_FLAGS, InstalledAddress.IFA_F_NODAD);
        }
        return w.finish();
    }

    static byte[] broadcast(byte[] ipv4, int prefixLength) {
        int value = ((ipv4[0] & 0xFF) << 24) | ((ipv4[1] & 0xFF) << 16) | ((ipv4[2] & 0xFF) << 8) | (ipv4[3] & 0xFF);
        int host = prefixLength == 0 ? -1 : (1 << (32 - prefixLength)) - 1;
        int b = value | host;
        return new byte[] {(byte) (b >>> 24), (byte) (b >>> 16), (byte) (b >>> 8), (byte) b};
    }

    @Override
    public void close() {
        netlink.close();
    }
}
