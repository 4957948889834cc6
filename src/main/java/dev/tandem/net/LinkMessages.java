package dev.tandem.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * rtnetlink requests that create, change and enslave links, and the parsing of the link state the kernel reports, as
 * pure functions. Layouts: {@code struct ifinfomsg} (linux/rtnetlink.h), IFLA_* and IFLA_INFO_* (linux/if_link.h),
 * and the IFLA_BOND_* attributes inside IFLA_LINKINFO / IFLA_INFO_DATA (linux/if_link.h), with the types the
 * kernel's bond_policy (drivers/net/bonding/bond_netlink.c) expects: u8 for mode, primary_reselect, fail_over_mac and
 * num_peer_notif, u32 for times and interface indexes, and ARP targets as a nest of be32 addresses numbered from 0.
 * The requests are those {@code ip link} sends for the same change, attribute for attribute.
 */
final class LinkMessages {
    static final int IFLA_MTU = 4;
    static final int IFLA_MASTER = 10;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;

    static final int IFLA_BOND_MODE = 1;
    static final int IFLA_BOND_ACTIVE_SLAVE = 2;
    static final int IFLA_BOND_MIIMON = 3;
    static final int IFLA_BOND_UPDELAY = 4;
    static final int IFLA_BOND_DOWNDELAY = 5;
    static final int IFLA_BOND_ARP_INTERVAL = 7;
    static final int IFLA_BOND_ARP_IP_TARGET = 8;
    static final int IFLA_BOND_PRIMARY = 11;
    static final int IFLA_BOND_PRIMARY_RESELECT = 12;
    static final int IFLA_BOND_FAIL_OVER_MAC = 13;
    static final int IFLA_BOND_NUM_PEER_NOTIF = 16;

    private static final int CREATE_FLAGS = NetlinkMessages.NLM_F_REQUEST | NetlinkMessages.NLM_F_ACK
            | NetlinkMessages.NLM_F_EXCL | NetlinkMessages.NLM_F_CREATE;
    private static final int CHANGE_FLAGS = NetlinkMessages.NLM_F_REQUEST | NetlinkMessages.NLM_F_ACK;

    private LinkMessages() {
    }

    /**
     * RTM_NEWLINK that creates a bond with these options (create, never replace): {@code ip link add NAME type bond
     * mode active-backup miimon ... }. The primary may name an interface that is not enslaved yet; the kernel
     * remembers it by name.
     */
    static byte[] createBond(int sequence, String name, BondOptions options) {
        NetlinkWriter w = new NetlinkWriter(NetlinkMessages.RTM_NEWLINK, CREATE_FLAGS, sequence).ifinfomsg(0, 0, 0);
        w.attributeCString(NetlinkMessages.IFLA_IFNAME, name);
        bondInfo(w, options, true);
        return w.finish();
    }

    /**
     * RTM_NEWLINK that changes an existing bond's options ({@code ip link set NAME type bond ...}). Without the mode
     * and fail_over_mac, which the kernel only changes on a bond without slaves (and the mode only while it is down);
     * with primary 0 when there is none, which clears a primary set before.
     */
    static byte[] changeBond(int sequence, int index, BondOptions options) {
        NetlinkWriter w = new NetlinkWriter(NetlinkMessages.RTM_NEWLINK, CHANGE_FLAGS, sequence).ifinfomsg(index, 0, 0);
        bondInfo(w, options, false);
        return w.finish();
    }

    private static void bondInfo(NetlinkWriter w, BondOptions o, boolean creating) {
        int linkInfo = w.begin(IFLA_LINKINFO);
        w.attributeString(IFLA_INFO_KIND, "bond");
        int data = w.begin(IFLA_INFO_DATA);
        if (creating) {
            w.attributeU8(IFLA_BOND_MODE, o.mode());
        }
        w.attributeU32(IFLA_BOND_MIIMON, o.miimon());
        if (o.miimon() > 0) {
            // The kernel refuses up/down delays while MII monitoring is off (EPERM), so they go only with it.
            w.attributeU32(IFLA_BOND_UPDELAY, o.updelay());
            w.attributeU32(IFLA_BOND_DOWNDELAY, o.downdelay());
        }
        if (o.primary() != 0 || !creating) {
            w.attributeU32(IFLA_BOND_PRIMARY, o.primary());
        }
        w.attributeU8(IFLA_BOND_PRIMARY_RESELECT, o.primaryReselect());
        if (creating) {
            w.attributeU8(IFLA_BOND_FAIL_OVER_MAC, o.failOverMac());
        }
        w.attributeU8(IFLA_BOND_NUM_PEER_NOTIF, o.numPeerNotif());
        w.attributeU32(IFLA_BOND_ARP_INTERVAL, o.arpInterval());
        if (!o.arpIpTargets().isEmpty()) {
            int targets = w.begin(IFLA_BOND_ARP_IP_TARGET);
            for (int i = 0; i < o.arpIpTargets().size(); i++) {
                w.attribute(i, o.arpIpTargets().get(i).getAddress()); // network byte order, as __be32
            }
            w.end(targets);
        }
        w.end(data);
        w.end(linkInfo);
    }

    /** RTM_NEWLINK that enslaves an interface ({@code ip link set DEV master BOND}), or releases it with master 0. */
    static byte[] setMaster(int sequence, int index, int master) {
        return new NetlinkWriter(NetlinkMessages.RTM_NEWLINK, CHANGE_FLAGS, sequence).ifinfomsg(index, 0, 0)
                .attributeU32(IFLA_MASTER, master).finish();
    }

    /** RTM_NEWLINK that sets IFF_UP or clears it and nothing else ({@code ip link set DEV up|down}). */
    static byte[] setUp(int sequence, int index, boolean up) {
        return new NetlinkWriter(NetlinkMessages.RTM_NEWLINK, CHANGE_FLAGS, sequence)
                .ifinfomsg(index, up ? LinkState.IFF_UP : 0, LinkState.IFF_UP).finish();
    }

    /** RTM_DELLINK of one interface ({@code ip link del DEV}). */
    static byte[] deleteLink(int sequence, int index) {
        return new NetlinkWriter(NetlinkMessages.RTM_DELLINK, CHANGE_FLAGS, sequence).ifinfomsg(index, 0, 0).finish();
    }

    /** The link an RTM_NEWLINK message (a dump entry or a notification) describes. */
    static LinkState link(ByteBuffer message) {
        int base = NetlinkMessages.NLMSG_HDRLEN;
        int index = message.getInt(base + 4);
        int flags = message.getInt(base + 8);
        String name = "";
        int master = 0;
        String kind = "";
        ByteBuffer data = null;
        for (NetlinkMessages.Attribute a : NetlinkMessages.attributes(message, base + NetlinkMessages.IFINFOMSG_SIZE)) {
            switch (a.type()) {
                case NetlinkMessages.IFLA_IFNAME -> name = a.string();
                case IFLA_MASTER -> master = a.payload().getInt(0);
                case IFLA_LINKINFO -> {
                    for (NetlinkMessages.Attribute info : NetlinkMessages.attributes(a.payload(), 0)) {
                        if (info.type() == IFLA_INFO_KIND) {
                            kind = info.string();
                        } else if (info.type() == IFLA_INFO_DATA) {
                            data = info.payload();
                        }
                    }
                }
                default -> {
                }
            }
        }
        BondOptions bond = null;
        int activeSlave = 0;
        if ("bond".equals(kind) && data != null) {
            int[] values = new int[17];
            List<Inet4Address> targets = new ArrayList<>();
            for (NetlinkMessages.Attribute b : NetlinkMessages.attributes(data, 0)) {
                ByteBuffer p = b.payload();
                switch (b.type()) {
                    case IFLA_BOND_MODE, IFLA_BOND_PRIMARY_RESELECT, IFLA_BOND_FAIL_OVER_MAC, IFLA_BOND_NUM_PEER_NOTIF ->
                            values[b.type()] = Byte.toUnsignedInt(p.get(0));
                    case IFLA_BOND_ACTIVE_SLAVE, IFLA_BOND_MIIMON, IFLA_BOND_UPDELAY, IFLA_BOND_DOWNDELAY,
                         IFLA_BOND_ARP_INTERVAL, IFLA_BOND_PRIMARY -> values[b.type()] = p.getInt(0);
                    case IFLA_BOND_ARP_IP_TARGET -> {
                        for (NetlinkMessages.Attribute t : NetlinkMessages.attributes(p, 0)) {
                            targets.add(ipv4(t.bytes()));
                        }
                    }
                    default -> {
                    }
                }
            }
            activeSlave = values[IFLA_BOND_ACTIVE_SLAVE];
            // The kernel never runs both monitors (setting one turns the other off); should a report show both,
            // ARP monitoring is the one that runs.
            int miimon = values[IFLA_BOND_ARP_INTERVAL] > 0 ? 0 : values[IFLA_BOND_MIIMON];
            bond = new BondOptions(values[IFLA_BOND_MODE], miimon, values[IFLA_BOND_UPDELAY],
                    values[IFLA_BOND_DOWNDELAY], values[IFLA_BOND_PRIMARY], values[IFLA_BOND_PRIMARY_RESELECT],
                    values[IFLA_BOND_FAIL_OVER_MAC], values[IFLA_BOND_NUM_PEER_NOTIF], values[IFLA_BOND_ARP_INTERVAL],
                    targets);
        }
        return new LinkState(index, name, flags, master, kind, bond, activeSlave);
    }

    private static Inet4Address ipv4(byte[] bytes) {
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalArgumentException("an ARP target has 4 bytes, got " + bytes.length, e);
        }
    }
}
