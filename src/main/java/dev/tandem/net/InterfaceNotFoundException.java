package dev.tandem.net;

import java.io.IOException;
import java.util.List;

/**
 * The named network interface does not exist in the network namespace that was asked. The message lists the ones
 * that do: {@code "interface eth9 does not exist on this host; interfaces: lo, eth0"}.
 */
public final class InterfaceNotFoundException extends IOException {
    private final String interfaceName;
    private final List<String> available;

    public InterfaceNotFoundException(String interfaceName, List<String> available) {
        super("interface " + interfaceName + " does not exist on this host; interfaces: "
                + (available.isEmpty() ? "(none)" : String.join(", ", available)));
        this.interfaceName = interfaceName;
        this.available = List.copyOf(available);
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** The interfaces that exist, in index order. */
    public List<String> available() {
        return available;
    }
}
