package dev.tandem.validation;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;

/** Address literals, parsed without ever asking DNS. */
public final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile(
            "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");

    private IpAddresses() {
    }

    /** The address, or empty when the text is not an IPv4 dotted quad or an IPv6 literal (no zone, no brackets). */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || !(IPV4.matcher(text).matches() || IPV6_CHARS.matcher(text).matches())) {
            return Optional.empty();
        }
        try {
            // ofLiteral never resolves names; the pattern above already ruled out anything but a literal.
            return Optional.of(InetAddress.ofLiteral(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Why a floating address cannot be used, or empty when it can. */
    public static Optional<String> unusableAsFloating(InetAddress address) {
        String text = address.getHostAddress();
        if (address.isAnyLocalAddress()) return Optional.of(text + " is the unspecified address, which cannot float");
        if (address.isLoopbackAddress()) return Optional.of(text + " is a loopback address, which cannot float");
        if (address.isMulticastAddress()) return Optional.of(text + " is a multicast address, which cannot float");
        if (address instanceof Inet4Address && (address.getAddress()[0] & 0xff) == 255) {
            return Optional.of(text + " is a broadcast address, which cannot float");
        }
        if (address.isLinkLocalAddress()) return Optional.of(text + " is a link-local address, which cannot float");
        return Optional.empty();
    }

    public static int maxPrefixLength(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }
}
