package dev.tandem.net;

import java.io.IOException;

/** The running kernel cannot create a bond: it has no bonding driver (built in or as the {@code bonding} module). */
public final class BondingUnavailableException extends IOException {
    public BondingUnavailableException(String bond, ErrnoException cause) {
        super("cannot create bond " + bond + ": this kernel has no bonding driver (" + cause.getMessage() + "); load"
                + " it on the host with `modprobe bonding`, or use mode routed, which needs no driver", cause);
    }
}
