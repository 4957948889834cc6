package dev.tandem.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The effective capabilities of this process, read from the {@code CapEff} line of {@code /proc/self/status}, and the
 * check the agent runs at start-up so that a missing capability is one clear sentence instead of an {@code EPERM}
 * from deep inside the first socket call.
 */
public final class Capabilities {
    /** {@code CAP_NET_ADMIN} in linux/capability.h: addresses, routes, links. */
    public static final int CAP_NET_ADMIN = 12;
    /** {@code CAP_NET_RAW} in linux/capability.h: raw IP and packet sockets. */
    public static final int CAP_NET_RAW = 13;

    static final String AGENT_NEEDS =
            "tandem agent needs CAP_NET_RAW (raw VRRP socket, gratuitous ARP) and CAP_NET_ADMIN (addresses)";

    private final long effective;

    private Capabilities(long effective) {
        this.effective = effective;
    }

    /** A set of effective capabilities given as the bit mask the kernel prints in {@code CapEff}. */
    public static Capabilities of(long effectiveMask) {
        return new Capabilities(effectiveMask);
    }

    /**
     * Parses the text of a {@code /proc/<pid>/status} file.
     *
     * @throws IllegalArgumentException when there is no well-formed {@code CapEff:} line
     */
    public static Capabilities parse(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapEff:")) {
                String hex = line.substring("CapEff:".length()).strip();
                try {
                    return new Capabilities(Long.parseUnsignedLong(hex, 16));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("CapEff is not a hexadecimal mask: '" + hex + "'", e);
                }
            }
        }
        throw new IllegalArgumentException("no CapEff line in the process status text");
    }

    /** The capabilities of the running process. */
    public static Capabilities ofThisProcess() {
        try {
            return parse(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status to check capabilities", e);
        }
    }

    public long effectiveMask() {
        return effective;
    }

    public boolean has(int capability) {
        return (effective & (1L << capability)) != 0;
    }

    /** The capabilities the agent needs and lacks, as names ({@code "CAP_NET_RAW"}), raw first; empty when none. */
    public List<String> missingForAgent() {
        List<String> missing = new ArrayList<>(2);
        if (!has(CAP_NET_RAW)) {
            missing.add("CAP_NET_RAW");
        }
        if (!has(CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN");
        }
        return List.copyOf(missing);
    }

    /**
     * Throws when the agent could not work: e.g. {@code "tandem agent needs CAP_NET_RAW (raw VRRP socket, gratuitous
     * ARP) and CAP_NET_ADMIN (addresses); missing: CAP_NET_RAW"}.
     */
    public void requireAgentCapabilities() {
        List<String> missing = missingForAgent();
        if (!missing.isEmpty()) {
            throw new MissingCapabilitiesException(AGENT_NEEDS + "; missing: " + String.join(", ", missing), missing);
        }
    }

    /**
     * What to add to an EPERM from a socket or netlink call: the sentence of {@link #requireAgentCapabilities()}, or,
     * when nothing is missing from CapEff, that something else (seccomp, an LSM) refused.
     */
    static String permissionHint() {
        List<String> missing = ofThisProcess().missingForAgent();
        return AGENT_NEEDS + "; missing: " + (missing.isEmpty()
                ? "none in CapEff, so a security policy (seccomp, LSM) refused it" : String.join(", ", missing));
    }

    @Override
    public String toString() {
        return "Capabilities[CapEff=" + Long.toHexString(effective) + "]";
    }
}
