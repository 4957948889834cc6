package dev.tandem.vrrp;

import java.util.List;
import java.util.Objects;

/**
 * One VRRPv3 ADVERTISEMENT as carried after the IP header (RFC 5798 §5.2).
 *
 * <p>The record holds only what is on the wire besides the checksum: the checksum depends on the
 * IP source and destination (pseudo-header, RFC 5798 §5.2.8), so {@link AdvertCodec} computes it
 * when encoding and verifies it when decoding.
 *
 * @param version always 3 (RFC 5798 §5.2.1)
 * @param type always 1, ADVERTISEMENT (RFC 5798 §5.2.2)
 * @param vrid virtual router id, 1-255 (RFC 5798 §5.2.3)
 * @param priority 0-255; 0 means the master is stopping, 255 the address owner (RFC 5798 §5.2.4)
 * @param maxAdvertIntervalCentis 12-bit Max Advertise Interval in centiseconds, 0-4095 (RFC 5798 §5.2.7)
 * @param addresses the virtual addresses, 1-255 of them, all IPv4 or all IPv6 (RFC 5798 §5.2.5, §5.2.9)
 */
public record Advert(
        int version, int type, int vrid, int priority, int maxAdvertIntervalCentis, List<IpAddress> addresses) {

    public static final int VERSION = 3;
    public static final int TYPE_ADVERTISEMENT = 1;
    public static final int MAX_INTERVAL_CENTIS = 0x0FFF;
    public static final int MAX_ADDRESSES = 255;

    public Advert {
        requireRange("version", version, VERSION, VERSION);
        requireRange("type", type, TYPE_ADVERTISEMENT, TYPE_ADVERTISEMENT);
        requireRange("vrid", vrid, 1, 255);
        requireRange("priority", priority, 0, 255);
        requireRange("maxAdvertIntervalCentis", maxAdvertIntervalCentis, 0, MAX_INTERVAL_CENTIS);
        Objects.requireNonNull(addresses, "addresses");
        addresses = List.copyOf(addresses); // also rejects null elements
        if (addresses.isEmpty() || addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException(
                    "addresses must hold 1-" + MAX_ADDRESSES + " entries, got " + addresses.size());
        }
        boolean v4 = addresses.getFirst().isV4();
        for (IpAddress address : addresses) {
            if (address.isV4() != v4) {
                throw new IllegalArgumentException(
                        "addresses must all be IPv4 or all IPv6, got " + addresses.getFirst() + " and " + address);
            }
        }
    }

    /** A version 3 ADVERTISEMENT. */
    public static Advert of(int vrid, int priority, int intervalCentis, List<IpAddress> addresses) {
        return new Advert(VERSION, TYPE_ADVERTISEMENT, vrid, priority, intervalCentis, addresses);
    }

    /** Whether the addresses (and so the IP layer this advert travels on) are IPv4. */
    public boolean isV4() {
        return addresses.getFirst().isV4();
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            String range = min == max ? String.valueOf(min) : min + "-" + max;
            throw new IllegalArgumentException(name + " must be " + range + ", got " + value);
        }
    }
}
