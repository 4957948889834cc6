package dev.tandem.net;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The interface addresses of one network namespace, read and changed over rtnetlink (RTM_NEWADDR, RTM_DELADDR,
 * RTM_GETADDR), the way {@code ip address add|del|show} does.
 *
 * <p>IPv6 addresses are added with IFA_F_NODAD: a floating address must be usable the moment its new holder takes
 * over, not after a second of duplicate address detection (during which the kernel neither sends from it nor answers
 * for it). The election already guarantees that only one member holds it.
 *
 * <p>Thread-safe; one request at a time. Opened in the calling thread's network namespace and bound to it for good.
 */
public final class AddressTable implements AddressInstaller, Closeable {
    /**
     * The IFA_PROTO value that marks tandem's addresses. The kernel defines 0-3 (unspec, kernel_lo, kernel_ra,
     * kernel_ll); 0xE7 is far from those, and from anything iproute2 names in {@code rt_addrprotos}.
     */
    public static final int TANDEM_PROTO = 0xE7;
    /** Appended to the interface name to form the IPv4 label of {@link AddressMarking#LABEL}. */
    public static final String LABEL_SUFFIX = ":tdm";

    private final NetlinkSocket netlink;
    private final AddressMarking marking;

    private AddressTable(NetlinkSocket netlink, AddressMarking marking) {
        this.netlink = netlink;
        this.marking = marking;
    }

    /** Opens the table of the calling thread's network namespace, marking as fits the running kernel. */
    public static AddressTable open() throws ErrnoException {
        return open(AddressMarking.forRunningKernel());
    }

    public static AddressTable open(AddressMarking marking) throws ErrnoException {
        return new AddressTable(NetlinkSocket.open(), marking);
    }

    public AddressMarking marking() {
        return marking;
    }

    @Override
    public void add(String interfaceName, byte[] address, int prefixLength) throws IOException {
        NetlinkMessages.AddressRequest request = request(interfaceName, address, prefixLength, true);
        change(NetlinkMessages.newAddress(netlink.nextSequence(), request),
                "netlink RTM_NEWADDR " + AddressText.of(address, prefixLength), interfaceName, ErrnoException.EEXIST);
    }

    /**
     * The request {@link #add} would send, for interface index 0, which no interface has: the kernel answers ENODEV
     * and changes nothing.
     */
    @Override
    public void rehearseAdd(String interfaceName, byte[] address, int prefixLength) throws IOException {
        NetlinkMessages.AddressRequest real = request(interfaceName, address, prefixLength, true);
        NetlinkMessages.AddressRequest nowhere = new NetlinkMessages.AddressRequest(0, real.address(),
                real.prefixLength(), real.flags(), real.protocol(), real.label());
        String call = "netlink RTM_NEWADDR (rehearsal) " + AddressText.of(address, prefixLength);
        NativeSocket.expectRefused(ErrnoException.ENODEV, () -> netlink.acknowledged(
                NetlinkMessages.newAddress(netlink.nextSequence(), nowhere), call, interfaceName),
                call + " for interface index 0");
    }

    @Override
    public void remove(String interfaceName, byte[] address, int prefixLength) throws IOException {
        NetlinkMessages.AddressRequest request = request(interfaceName, address, prefixLength, false);
        change(NetlinkMessages.deleteAddress(netlink.nextSequence(), request),
                "netlink RTM_DELADDR " + AddressText.of(address, prefixLength), interfaceName,
                ErrnoException.EADDRNOTAVAIL);
    }

    /** Sends a change and waits for its acknowledgement; {@code alreadyDone} is the errno that means no change needed. */
    private void change(byte[] request, String call, String interfaceName, int alreadyDone) throws IOException {
        try {
            netlink.acknowledged(request, call, interfaceName);
        } catch (ErrnoException e) {
            if (e.errno() == alreadyDone) {
                return;
            }
            if (e.errno() == ErrnoException.EPERM) {
                throw new ErrnoException(call, interfaceName, e.errno(), Capabilities.permissionHint());
            }
            throw e;
        }
    }

    /** Every address on the interface, IPv4 and IPv6, tandem's or not, in the kernel's order. */
    public List<InstalledAddress> list(String interfaceName) throws IOException {
        int ifindex = indexOf(interfaceName);
        List<ByteBuffer> messages = netlink.dump(NetlinkMessages.dumpAddresses(netlink.nextSequence(), Libc.AF_UNSPEC),
                "netlink RTM_GETADDR", interfaceName);
        List<InstalledAddress> addresses = new ArrayList<>();
        for (ByteBuffer message : messages) {
            if (NetlinkMessages.header(message).type() == NetlinkMessages.RTM_NEWADDR) {
                InstalledAddress address = NetlinkMessages.address(message);
                if (address.interfaceIndex() == ifindex) {
                    addresses.add(address);
                }
            }
        }
        return List.copyOf(addresses);
    }

    @Override
    public List<InstalledAddress> listOwned(String interfaceName) throws IOException {
        String label = interfaceName + LABEL_SUFFIX;
        return list(interfaceName).stream()
                .filter(a -> a.protocol() == TANDEM_PROTO || (!a.isIpv6() && a.label().equals(label)))
                .toList();
    }

    /**
     * Whether the interface is up and has a carrier (IFF_UP and IFF_LOWER_UP): a cut cable or a switch port that went
     * down clears it.
     *
     * @throws InterfaceNotFoundException when the interface does not exist (any more)
     */
    public boolean hasCarrier(String interfaceName) throws IOException {
        return link(interfaceName).hasCarrier();
    }

    /**
     * The interface's index in this table's namespace.
     *
     * @throws InterfaceNotFoundException listing the interfaces of that namespace
     */
    public int indexOf(String interfaceName) throws IOException {
        return link(interfaceName).index();
    }

    /** The interface as RTM_GETLINK describes it; a missing one is an error that lists those that exist. */
    private NetlinkMessages.Link link(String interfaceName) throws IOException {
        if (interfaceName == null || interfaceName.isEmpty()) {
            throw new IllegalArgumentException("interface name must not be empty");
        }
        if (interfaceName.length() > Interfaces.MAX_NAME_LENGTH) {
            throw new InterfaceNotFoundException(interfaceName, linkNames());
        }
        try {
            ByteBuffer reply = netlink.single(NetlinkMessages.getLink(netlink.nextSequence(), interfaceName),
                    "netlink RTM_GETLINK", interfaceName);
            return NetlinkMessages.link(reply);
        } catch (ErrnoException e) {
            if (e.errno() == ErrnoException.ENODEV) {
                throw new InterfaceNotFoundException(interfaceName, linkNames());
            }
            throw e;
        }
    }

    private List<String> linkNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (ByteBuffer message : netlink.dump(NetlinkMessages.dumpLinks(netlink.nextSequence()),
                "netlink RTM_GETLINK", "")) {
            if (NetlinkMessages.header(message).type() == NetlinkMessages.RTM_NEWLINK) {
                names.add(NetlinkMessages.link(message).name());
            }
        }
        return names;
    }

    private NetlinkMessages.AddressRequest request(String interfaceName, byte[] address, int prefixLength,
            boolean adding) throws IOException {
        AddressText.requireIp(address, "address");
        int maxPrefix = address.length * 8;
        if (prefixLength < 0 || prefixLength > maxPrefix) {
            throw new IllegalArgumentException("prefix length of " + AddressText.of(address) + " must be 0-"
                    + maxPrefix + ", got " + prefixLength);
        }
        int ifindex = indexOf(interfaceName);
        boolean ipv6 = address.length == 16;
        int flags = adding && ipv6 ? InstalledAddress.IFA_F_NODAD : 0;
        int protocol = adding && marking == AddressMarking.PROTOCOL ? TANDEM_PROTO : 0;
        String label = adding && marking == AddressMarking.LABEL && !ipv6 ? labelFor(interfaceName) : "";
        return new NetlinkMessages.AddressRequest(ifindex, address.clone(), prefixLength, flags, protocol, label);
    }

    /** {@code <interface>:tdm}, or empty when that is longer than the kernel's 15 characters. */
    static String labelFor(String interfaceName) {
        String label = interfaceName + LABEL_SUFFIX;
        return label.length() <= Interfaces.MAX_NAME_LENGTH ? label : "";
    }

    @Override
    public void close() {
        netlink.close();
    }
}
