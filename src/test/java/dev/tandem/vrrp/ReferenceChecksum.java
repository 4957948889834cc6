package dev.tandem.vrrp;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * Test-only helpers: a deliberately plain RFC 1071 checksum over the pseudo-header laid out byte by byte as
 * keepalived (IPv4) and RFC 2460 §8.1 (IPv6) describe it, written apart from {@link Checksum} to cross-check it.
 */
final class ReferenceChecksum {
    private ReferenceChecksum() {
    }

    /** The checksum of the VRRP message as given (field included) under the pseudo-header of src and dst. */
    static int of(byte[] src, byte[] dst, byte[] vrrp) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(src);
        all.writeBytes(dst);
        int length = vrrp.length;
        if (src.length == 4) {
            // keepalived ipv4_phdr_t: zero, protocol, 16-bit length
            all.writeBytes(new byte[] {0, 112, (byte) (length >> 8), (byte) length});
        } else {
            // RFC 2460 §8.1: 32-bit upper-layer length, three zero bytes, next header
            all.writeBytes(new byte[] {(byte) (length >> 24), (byte) (length >> 16), (byte) (length >> 8),
                (byte) length, 0, 0, 0, 112});
        }
        all.writeBytes(vrrp);
        return plain(all.toByteArray());
    }

    /** RFC 1071 with the end-around carry added after every word. */
    static int plain(byte[] data) {
        int sum = 0;
        for (int i = 0; i < data.length; i += 2) {
            int high = data[i] & 0xFF;
            int low = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
            sum += high * 256 + low;
            if (sum > 0xFFFF) {
                sum -= 0xFFFF;
            }
        }
        return ~sum & 0xFFFF;
    }

    /** Hex with any whitespace, comment lines ('#') skipped. */
    static byte[] hex(String text) {
        StringBuilder digits = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.strip().startsWith("#")) {
                digits.append(line.replaceAll("\\s+", ""));
            }
        }
        return HexFormat.of().parseHex(digits);
    }
}
