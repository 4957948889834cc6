package dev.tandem.net;

import java.net.Inet4Address;
import java.util.List;

/**
 * The options of a Linux bond that tandem sets, as the IFLA_BOND_* attributes of linux/if_link.h carry them (and as
 * the kernel reports them in a link dump). Times are milliseconds; interfaces are indexes.
 *
 * @param mode            {@link #ACTIVE_BACKUP} for tandem's bonds (BOND_MODE_* of linux/if_bonding.h)
 * @param miimon          MII link monitoring interval; 0 off
 * @param updelay         a multiple of miimon; only with miimon
 * @param downdelay       a multiple of miimon; only with miimon
 * @param primary         index of the primary slave, 0 for none
 * @param primaryReselect {@link #RESELECT_ALWAYS}, {@link #RESELECT_BETTER} or {@link #RESELECT_FAILURE}
 * @param failOverMac     {@link #MAC_NONE}, {@link #MAC_ACTIVE} or {@link #MAC_FOLLOW}
 * @param numPeerNotif    gratuitous ARPs / unsolicited NAs after a failover (num_grat_arp, num_unsol_na)
 * @param arpInterval     ARP monitoring interval; 0 off. The kernel refuses it together with miimon
 * @param arpIpTargets    what ARP monitoring probes, at most {@link #MAX_ARP_TARGETS}
 */
public record BondOptions(int mode, int miimon, int updelay, int downdelay, int primary, int primaryReselect,
                          int failOverMac, int numPeerNotif, int arpInterval, List<Inet4Address> arpIpTargets) {
    public static final int ACTIVE_BACKUP = 1;
    public static final int RESELECT_ALWAYS = 0;
    public static final int RESELECT_BETTER = 1;
    public static final int RESELECT_FAILURE = 2;
    public static final int MAC_NONE = 0;
    public static final int MAC_ACTIVE = 1;
    public static final int MAC_FOLLOW = 2;
    /** BOND_MAX_ARP_TARGETS in include/net/bonding.h. */
    public static final int MAX_ARP_TARGETS = 16;

    public BondOptions {
        arpIpTargets = List.copyOf(arpIpTargets);
        if (arpIpTargets.size() > MAX_ARP_TARGETS) {
            throw new IllegalArgumentException("a bond probes at most " + MAX_ARP_TARGETS + " ARP targets, got "
                    + arpIpTargets.size());
        }
        if (miimon > 0 && arpInterval > 0) {
            throw new IllegalArgumentException("the kernel refuses MII monitoring (miimon " + miimon
                    + ") together with ARP monitoring (arp_interval " + arpInterval + ")");
        }
    }

    /** The mode's name as /proc/net/bonding and iproute2 print it. */
    public static String modeName(int mode) {
        return switch (mode) {
            case 0 -> "balance-rr";
            case 1 -> "active-backup";
            case 2 -> "balance-xor";
            case 3 -> "broadcast";
            case 4 -> "802.3ad";
            case 5 -> "balance-tlb";
            case 6 -> "balance-alb";
            default -> "mode " + mode;
        };
    }
}
