package dev.tandem.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How tandem marks the addresses it adds, so that an agent that restarts after being killed can find and remove what
 * its predecessor left behind.
 *
 * <p>{@link #PROTOCOL}: the IFA_PROTO attribute (Linux 6.3 and later) set to {@link AddressTable#TANDEM_PROTO}. It works
 * for IPv4 and IPv6 and leaves the address otherwise untouched.
 *
 * <p>{@link #LABEL}: for older kernels, the IPv4 label {@code <interface>:tdm} (what {@code ip address} shows at the end
 * of the line, and {@code ifconfig} as an alias). Its limits: labels exist for IPv4 only, so IPv6 addresses left
 * behind cannot be found; and a label has at most 15 characters, so on an interface whose name is longer than 11
 * characters the address goes unmarked. Older kernels ignore an IFA_PROTO they do not know, so this is a choice that
 * must be made up front.
 *
 * <p>{@link AddressTable#listOwned} recognises both marks whichever is used for adding.
 */
public enum AddressMarking {
    PROTOCOL,
    LABEL;

    /** {@link #PROTOCOL} on Linux 6.3 or later, judged by {@code /proc/sys/kernel/osrelease}; else {@link #LABEL}. */
    public static AddressMarking forRunningKernel() {
        try {
            return forKernelRelease(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
        } catch (IOException e) {
            return LABEL;
        }
    }

    /** The marking for a kernel release string such as {@code "6.18.44-generic"}. */
    public static AddressMarking forKernelRelease(String release) {
        String[] parts = release.split("[.-]", 3);
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0;
            return major > 6 || (major == 6 && minor >= 3) ? PROTOCOL : LABEL;
        } catch (NumberFormatException e) {
            return LABEL;
        }
    }
}
