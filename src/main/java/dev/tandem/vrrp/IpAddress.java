package dev.tandem.vrrp;

import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address as plain bytes: the election core may not use {@code java.net.InetAddress}, which can
 * resolve names and belongs to the I/O layer.
 *
 * <p>Ordering is unsigned byte-wise because RFC 5798 §6.4.3 breaks a priority tie by the numerically higher primary
 * IP address. Addresses of different families never meet in one virtual router (RFC 5798 §5.2.9: an advert carries
 * one family), but for a total order every IPv4 address sorts before every IPv6 address.
 */
public final class IpAddress implements Comparable<IpAddress> {
    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a copy of 4 (IPv4) or 16 (IPv6) bytes in network order. */
    public static IpAddress of(byte[] bytes) {
        if (bytes == null || (bytes.length != 4 && bytes.length != 16)) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, got "
                    + (bytes == null ? "null" : bytes.length));
        }
        return new IpAddress(bytes.clone());
    }

    /**
     * Parses a dotted-quad IPv4 address ({@code 192.0.2.10}) or IPv6 text ({@code 2001:db8::1},
     * {@code ::ffff:192.0.2.1}). Names, prefixes ({@code /24}) and zone ids ({@code %eth0}) are rejected.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static IpAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("an IP address is required, got " + (text == null ? "null" : "\"\""));
        }
        byte[] parsed = text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text, text);
        return new IpAddress(parsed);
    }

    /** Like {@link #parse(String)}, but empty instead of an exception for text that is not an address. */
    public static Optional<IpAddress> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A copy of the address bytes in network order (4 or 16 of them). */
    public byte[] bytes() {
        return bytes.clone();
    }

    public boolean isV4() {
        return bytes.length == 4;
    }

    /** Unsigned byte-wise order (RFC 5798 §6.4.3 tie-break); IPv4 before IPv6. */
    @Override
    public int compareTo(IpAddress other) {
        if (bytes.length != other.bytes.length) {
            return Integer.compare(bytes.length, other.bytes.length);
        }
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Dotted quad for IPv4; RFC 5952 canonical text for IPv6 (lowercase, longest zero run compressed). */
    @Override
    public String toString() {
        return isV4() ? formatV4(bytes, 0) : formatV6();
    }

    private static byte[] parseV4(String text, String whole) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw invalid(whole, "an IPv4 address has four dot-separated numbers");
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid(whole, "\"" + part + "\" is not a number from 0 to 255");
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                // Some parsers read a leading zero as octal; refuse rather than guess.
                throw invalid(whole, "\"" + part + "\" has a leading zero");
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                throw invalid(whole, "\"" + part + "\" is not a number from 0 to 255");
            }
            out[i] = (byte) value;
        }
        return out;
    }

    private static byte[] parseV6(String text) {
        if (text.indexOf('%') >= 0 || text.indexOf('/') >= 0) {
            throw invalid(text, "zone ids and prefix lengths are not part of an address");
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw invalid(text, "\"::\" may appear only once");
        }
        int[] head = gap >= 0 ? groups(text.substring(0, gap), text, false) : groups(text, text, true);
        int[] tail = gap >= 0 ? groups(text.substring(gap + 2), text, true) : new int[0];
        int count = head.length + tail.length;
        if (gap < 0 && count != 8) {
            throw invalid(text, "an IPv6 address without \"::\" has eight groups, got " + count);
        }
        if (gap >= 0 && count > 7) {
            throw invalid(text, "\"::\" must stand for at least one zero group, but there are already " + count);
        }
        int[] all = new int[8];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, 8 - tail.length, tail.length);
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (all[i] >>> 8);
            out[2 * i + 1] = (byte) all[i];
        }
        return out;
    }

    /** 16-bit groups of one side of "::"; the last group may be an embedded IPv4 address (two groups). */
    private static int[] groups(String side, String whole, boolean mayEndInV4) {
        if (side.isEmpty()) {
            return new int[0];
        }
        String[] parts = side.split(":", -1);
        boolean endsInV4 = parts[parts.length - 1].indexOf('.') >= 0;
        if (endsInV4 && !mayEndInV4) {
            throw invalid(whole, "an embedded IPv4 address must come last");
        }
        int[] out = new int[parts.length + (endsInV4 ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (endsInV4 && i == parts.length - 1) {
                byte[] v4 = parseV4(part, whole);
                out[i] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                out[i + 1] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
            } else {
                if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(IpAddress::isHexDigit)) {
                    throw invalid(whole, "\"" + part + "\" is not a group of 1 to 4 hex digits");
                }
                out[i] = Integer.parseInt(part, 16);
            }
        }
        return out;
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("\"" + text + "\" is not an IP address: " + why);
    }

    private static String formatV4(byte[] b, int from) {
        return (b[from] & 0xff) + "." + (b[from + 1] & 0xff) + "." + (b[from + 2] & 0xff) + "." + (b[from + 3] & 0xff);
    }

    private String formatV6() {
        int[] group = new int[8];
        for (int i = 0; i < 8; i++) {
            group[i] = (bytes[2 * i] & 0xff) << 8 | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952 §5: IPv4-mapped addresses are written with the IPv4 part as a dotted quad.
        boolean mapped = group[0] == 0 && group[1] == 0 && group[2] == 0 && group[3] == 0 && group[4] == 0
                && group[5] == 0xffff;
        int groups = mapped ? 6 : 8;
        // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups; ) {
            if (group[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups && group[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < groups; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            // RFC 5952 §4.1 and §4.3: no leading zeros, lowercase hex.
            out.append(Integer.toHexString(group[i]));
        }
        if (mapped) {
            if (out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(formatV4(bytes, 12));
        }
        return out.toString();
    }
}
