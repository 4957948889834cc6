package dev.tandem.agent.hostbond;

import java.io.IOException;

/** A step of applying a HostBond failed; the message says which step, and the cause what the kernel said. */
public final class ApplyException extends IOException {
    public ApplyException(String step, IOException cause) {
        super(step + ": " + cause.getMessage(), cause);
    }
}
