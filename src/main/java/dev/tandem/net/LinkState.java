package dev.tandem.net;

/**
 * One network interface as an RTM_NEWLINK message describes it.
 *
 * @param index       the interface index
 * @param name        IFLA_IFNAME
 * @param flags       {@code IFF_*} of struct ifinfomsg
 * @param master      IFLA_MASTER: the index of the bond (or bridge) it is enslaved to, 0 when none
 * @param kind        IFLA_INFO_KIND: "bond", "veth", "bridge", ...; empty for physical interfaces
 * @param bond        the bond's options when {@code kind} is "bond", else null
 * @param activeSlave IFLA_BOND_ACTIVE_SLAVE: the index of the bond's active slave, 0 when none or not a bond
 */
public record LinkState(int index, String name, int flags, int master, String kind, BondOptions bond, int activeSlave) {
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOWER_UP = 0x10000;

    /** Administratively up (IFF_UP). */
    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }

    /** Up and with a carrier (IFF_UP and IFF_LOWER_UP): frames can leave and arrive. */
    public boolean hasCarrier() {
        return (flags & IFF_UP) != 0 && (flags & IFF_LOWER_UP) != 0;
    }

    public boolean isBond() {
        return "bond".equals(kind);
    }
}
