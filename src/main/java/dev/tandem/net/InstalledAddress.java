package dev.tandem.net;

import java.util.Arrays;

/**
 * One address the kernel holds on an interface, as RTM_NEWADDR describes it (linux/if_addr.h).
 *
 * @param interfaceIndex the interface's index
 * @param address 4 or 16 bytes: IFA_LOCAL where present (IPv4), else IFA_ADDRESS (IPv6)
 * @param prefixLength 0-32 or 0-128
 * @param scope {@code RT_SCOPE_*}: 0 global, 253 link, 254 host
 * @param flags {@code IFA_F_*} from IFA_FLAGS (all 32 bits) or else the 8-bit ifa_flags
 * @param protocol IFA_PROTO, who added it ({@link AddressTable#TANDEM_PROTO} for tandem); 0 when unset or unsupported
 * @param label IFA_LABEL (IPv4 only), empty when absent
 */
public record InstalledAddress(
        int interfaceIndex, byte[] address, int prefixLength, int scope, int flags, int protocol, String label) {
    public static final int IFA_F_SECONDARY = 0x01;
    public static final int IFA_F_NODAD = 0x02;
    public static final int IFA_F_DADFAILED = 0x08;
    public static final int IFA_F_TENTATIVE = 0x40;
    public static final int IFA_F_PERMANENT = 0x80;

    public InstalledAddress {
        AddressText.requireIp(address, "address");
        address = address.clone();
        label = label == null ? "" : label;
    }

    @Override
    public byte[] address() {
        return address.clone();
    }

    public boolean isIpv6() {
        return address.length == 16;
    }

    /** An IPv6 address still in duplicate address detection, not yet usable as a source or for receiving. */
    public boolean isTentative() {
        return (flags & IFA_F_TENTATIVE) != 0;
    }

    /** Whether this is the address with the same bytes and prefix length. */
    public boolean matches(byte[] other, int otherPrefixLength) {
        return prefixLength == otherPrefixLength && Arrays.equals(address, other);
    }

    /** The address and prefix as text, e.g. {@code 10.99.0.10/32} or {@code 2001:2::10/128}. */
    public String text() {
        return AddressText.of(address, prefixLength);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstalledAddress other && interfaceIndex == other.interfaceIndex
                && Arrays.equals(address, other.address) && prefixLength == other.prefixLength && scope == other.scope
                && flags == other.flags && protocol == other.protocol && label.equals(other.label);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + prefixLength * 7 + interfaceIndex;
    }

    @Override
    public String toString() {
        return text() + " (ifindex " + interfaceIndex + ", scope " + scope + ", flags 0x" + Integer.toHexString(flags)
                + ", proto 0x" + Integer.toHexString(protocol) + (label.isEmpty() ? "" : ", label " + label) + ")";
    }
}
