package dev.tandem.net;

/** IP addresses as text for messages: dotted quad, or RFC 5952 §4 canonical IPv6 (lower case, longest zero run as ::). */
final class AddressText {
    private AddressText() {
    }

    static String of(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "." + (address[3] & 0xFF);
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, got " + address.length);
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 §4.2.2: a single zero word is not shortened
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && words[i] == 0) {
                i++;
            }
            if (i - start > bestLength) { // §4.2.3: the first of equally long runs
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(words[i]));
        }
        return text.toString();
    }

    /** Text of an address with its prefix length, e.g. {@code 10.99.0.10/32}. */
    static String of(byte[] address, int prefixLength) {
        return of(address) + "/" + prefixLength;
    }

    static void requireIp(byte[] address, String what) {
        if (address == null || (address.length != 4 && address.length != 16)) {
            throw new IllegalArgumentException(what + " must be 4 (IPv4) or 16 (IPv6) bytes, got "
                    + (address == null ? "null" : address.length + " bytes"));
        }
    }
}
