package dev.tandem.net;

import java.util.List;

/** The process lacks a capability the agent needs; the message says which and what for. */
public final class MissingCapabilitiesException extends RuntimeException {
    private final List<String> missing;

    public MissingCapabilitiesException(String message, List<String> missing) {
        super(message);
        this.missing = List.copyOf(missing);
    }

    /** Names such as {@code "CAP_NET_RAW"}. */
    public List<String> missing() {
        return missing;
    }
}
