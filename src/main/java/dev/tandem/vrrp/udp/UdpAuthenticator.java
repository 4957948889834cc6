package dev.tandem.vrrp.udp;

import dev.tandem.vrrp.IpAddress;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One member's side of the udp transport's authentication: seals what it sends and opens what it receives, with the
 * keys of a {@link KeyRotation}, a counter of its own and a {@link ReplayWindow} per member. Pure apart from the
 * clocks it is given; safe to call from several threads (a key update comes from another thread than the adverts).
 */
public final class UdpAuthenticator {
    private final IpAddress self;
    private final Map<IpAddress, ReplayWindow> windows = new HashMap<>();
    private final KeyRotation rotation;
    private final LongSupplier epochMicros;
    private long counter;

    /**
     * @param members     the other members' addresses: only they may send to this member
     * @param epochMicros wall-clock microseconds since the epoch: the counter never falls below it, so that it keeps
     *                    rising across a restart of this member
     */
    public UdpAuthenticator(IpAddress self, List<IpAddress> members, Keyring keys, Duration rotationWindow,
                            LongSupplier epochMicros, long nowNanos) {
        this.self = Objects.requireNonNull(self, "self");
        for (IpAddress m : members) {
            if (m.isV4() != self.isV4()) {
                throw new IllegalArgumentException("member " + m + " is not of the family of this member's address "
                        + self + "; the udp transport runs over one family");
            }
            windows.put(m, new ReplayWindow());
        }
        this.rotation = new KeyRotation(keys, rotationWindow, nowNanos);
        this.epochMicros = Objects.requireNonNull(epochMicros, "epochMicros");
    }

    /** Seals one VRRPv3 advert for sending; each call takes a new counter value. */
    public synchronized byte[] seal(byte[] vrrp, long nowNanos) {
        counter = Math.max(counter + 1, epochMicros.getAsLong());
        return UdpAdvertCodec.seal(rotation.signing(nowNanos), counter, self, vrrp);
    }

    /**
     * Opens a datagram that came from {@code source}; an authentic one moves that member's replay window.
     *
     * @return {@link UdpAdvertCodec.Opened.Authentic} with where the advert is, or why the datagram must be dropped
     */
    public synchronized UdpAdvertCodec.Opened open(byte[] buf, int offset, int length, IpAddress source) {
        UdpAdvertCodec.Opened opened = UdpAdvertCodec.open(buf, offset, length, rotation.keys());
        if (!(opened instanceof UdpAdvertCodec.Opened.Authentic a)) {
            return opened;
        }
        if (!a.sender().equals(source)) {
            return new UdpAdvertCodec.Opened.Rejected(UdpRejectReason.SENDER_MISMATCH, "authentic message of "
                    + a.sender() + " arrived from " + source + " (address translation between the members, or re-sent"
                    + " by someone else)");
        }
        ReplayWindow window = windows.get(a.sender());
        if (window == null) {
            return new UdpAdvertCodec.Opened.Rejected(UdpRejectReason.UNKNOWN_SENDER, "authentic message from "
                    + a.sender() + ", which is not a member of this pair (members: " + windows.keySet() + ")");
        }
        if (!window.accept(a.counter())) {
            return new UdpAdvertCodec.Opened.Rejected(UdpRejectReason.REPLAYED, "counter "
                    + Long.toUnsignedString(a.counter()) + " from " + a.sender() + " was seen already or is too old"
                    + " (highest so far " + Long.toUnsignedString(window.highest()) + ")");
        }
        return a;
    }

    /** New keys read from the Secret or file; returns true when they differ from those held. */
    public synchronized boolean updateKeys(Keyring keys, long nowNanos) {
        return rotation.update(keys, nowNanos);
    }

    public synchronized Keyring keys() {
        return rotation.keys();
    }

    /** The key this member signs with at {@code nowNanos}. */
    public synchronized AuthKey signingKey(long nowNanos) {
        return rotation.signing(nowNanos);
    }
}
