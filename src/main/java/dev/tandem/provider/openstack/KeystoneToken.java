package dev.tandem.provider.openstack;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A Keystone token and what came with it: when it expires and the Neutron endpoint to use it at.
 *
 * @param value     the token, sent as {@code X-Auth-Token}; never in {@link #toString()}
 * @param expiresAt empty when Keystone did not say (then it is used until Neutron answers 401)
 * @param networkRoot the Neutron base URL without a trailing slash and without {@code /v2.0}
 */
record KeystoneToken(String value, Optional<Instant> expiresAt, String networkRoot) {
    /** Renewed this long before it expires, so that a call started just before the expiry does not get a 401. */
    static final Duration MARGIN = Duration.ofMinutes(1);

    boolean freshAt(Instant now) {
        return expiresAt.map(e -> now.isBefore(e.minus(MARGIN))).orElse(true);
    }

    @Override
    public String toString() {
        return "KeystoneToken[expiresAt=" + expiresAt.map(Instant::toString).orElse("unknown") + ", network="
                + networkRoot + "]";
    }
}
