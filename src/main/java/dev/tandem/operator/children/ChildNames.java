package dev.tandem.operator.children;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Names and labels of the objects the operator creates for a resource. */
public final class ChildNames {
    public static final String LABEL_NAME = "app.kubernetes.io/name";
    public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
    public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String LABEL_PAIR = "tandem.dev/failover-pair";
    public static final String LABEL_HOST_BOND = "tandem.dev/host-bond";
    public static final String MANAGER = "tandem-operator";
    public static final String COMPONENT_ELECTION = "election-agent";
    public static final String COMPONENT_BOND = "bond-agent";

    /** Pod names add a 5-character suffix to the DaemonSet's name and must stay within 63 characters. */
    private static final int MAX_BASE = 52;

    private ChildNames() {
    }

    /** {@code tandem-<name>}, shortened with a stable hash when it would be too long for pod and label values. */
    public static String base(String name) {
        String full = "tandem-" + name;
        if (full.length() <= MAX_BASE) {
            return full;
        }
        String hash = sha256(name).substring(0, 8);
        String head = full.substring(0, MAX_BASE - hash.length() - 1).replaceAll("[-.]+$", "");
        return head + "-" + hash;
    }

    /** A label value that is always valid: the name itself, or its shortened form. */
    public static String labelValue(String name) {
        return name.length() <= 63 ? name : base(name);
    }

    /** A HostBond's DaemonSet: its own prefix, so that it never collides with a pair's in the operator namespace. */
    public static String bond(String hostBondName) {
        return base("bond-" + hostBondName);
    }

    public static String authSecret(String pairName) {
        return base(pairName) + "-auth";
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
