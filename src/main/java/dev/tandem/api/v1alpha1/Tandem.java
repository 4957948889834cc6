package dev.tandem.api.v1alpha1;

/** Names shared by every resource of the API. */
public final class Tandem {
    public static final String GROUP = "tandem.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;

    /** A Kubernetes object name (RFC 1123 subdomain), as nodes and Secrets are named. */
    public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** A Linux interface name: 1 to 15 characters, no slash, colon or white space, and not "." or "..". */
    public static final String INTERFACE_PATTERN = "^(?!\\.{1,2}$)[A-Za-z0-9_.@-]{1,15}$";
    /** A duration such as {@code 100ms}, {@code 2s}, {@code 1.5s}, {@code 5m} or {@code 1h}. */
    public static final String DURATION_PATTERN = "^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$";
    /** An IPv4 address in dotted-quad form or an IPv6 address in any RFC 4291 text form (the exact check is in CEL/Java). */
    public static final String IP_PATTERN =
            "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$"
                    + "|^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$";
    /** An address with prefix length, such as {@code 192.0.2.10/24} or {@code 2001:db8::10/64}. */
    public static final String CIDR_PATTERN =
            "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$"
                    + "|^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$";

    private Tandem() {
    }

    /**
     * The coordination Lease a pair's agents take before moving a cloud FloatingIp when {@code spec.fencing} is
     * {@code lease}: {@code tandem-<pair>-fence}, shortened with a hash of the pair's name beyond 253 characters.
     */
    public static String fenceLeaseName(String pairName) {
        String full = "tandem-" + pairName + "-fence";
        if (full.length() <= 253) {
            return full;
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(pairName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String head = pairName.substring(0, 200).replaceAll("[-.]+$", "");
            return "tandem-" + head + "-" + java.util.HexFormat.of().formatHex(d, 0, 4) + "-fence";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
