package dev.tandem.vrrp.udp;

import dev.tandem.vrrp.IpAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * One member's side of the udp transport's authentication: seals what it sends and opens what it receives, with the
 * keys of a {@link KeyRotation}, a counter of its own, and for each other member a {@link PeerHandshake} holding its
 * {@link ReplayWindow}. Pure apart from the clocks and the nonce source it is given; safe to call from several threads
 * (a key update comes from another thread than the adverts).
 *
 * <p>The freshness handshake. A replay window cannot tell whether the first authentic advert a member hears after it
 * starts is new or was recorded earlier and replayed: a recorded priority-0 advert of the master would make a restarted
 * backup take over. So a member believes no advert of a peer until that peer has answered a hello of this start. The
 * hello carries a random nonce; the peer answers at once, whatever its state, with a hello ack that echoes the nonce;
 * the ack's counter, which the peer can only have sent after this member started, seeds the peer's window, and
 * everything older (every recording) is refused as {@link UdpRejectReason#REPLAYED} from then on. Adverts that arrive
 * before are dropped as {@link UdpRejectReason#UNCONFIRMED} without touching the window. This costs no failover: a
 * member starts in Backup and waits a Master_Down_Interval (three adverts, RFC 5798 §6.4.1) before it may take over,
 * and one round trip is far shorter; the master's first advert after the answer is believed.
 *
 * <p>Hellos and acks pass the same length, key, MAC and sender checks as adverts and never reach the election. Every
 * authentic hello of a member gets one ack, sent to that member's address: one datagram of the same size back to a
 * member, so a replayed hello amplifies nothing and reaches nobody the replayer could not reach directly. Hellos change
 * no state, so they need no window; an ack confirms only if it echoes one of the nonces this member sent that peer
 * ({@link UdpRejectReason#WRONG_NONCE} otherwise). A peer that restarts needs nothing from this member but that answer:
 * its counter keeps rising, so this member's window for it stays valid.
 */
public final class UdpAuthenticator {
    private final IpAddress self;
    private final Map<IpAddress, PeerHandshake> peers = new LinkedHashMap<>();
    private final KeyRotation rotation;
    private final LongSupplier epochMicros;
    private final LongSupplier nonces;
    private long counter;

    /** A datagram for a member: a hello or an ack. */
    public record Outgoing(IpAddress to, byte[] datagram) {
        public Outgoing {
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(datagram, "datagram");
        }
    }

    /** What {@link #open} made of a datagram. */
    public sealed interface Received {
        /** Datagrams to send because of this one: the ack to a hello, or a hello to a peer not confirmed yet. */
        List<Outgoing> replies();

        /** An authentic, fresh advert for the election, at {@code [vrrpOffset, vrrpOffset + vrrpLength)}. */
        record Advert(long counter, IpAddress sender, int vrrpOffset, int vrrpLength) implements Received {
            @Override
            public List<Outgoing> replies() {
                return List.of();
            }
        }

        /**
         * A hello or ack of a member, for the transport only.
         *
         * @param confirmedAfterNanos when this ack confirmed the peer, nanoseconds from this member's start; else -1
         */
        record Handshake(IpAddress peer, List<Outgoing> replies, long confirmedAfterNanos) implements Received {
            public boolean confirmed() {
                return confirmedAfterNanos >= 0;
            }
        }

        /** Dropped before the election saw it; the message names the sender or what is wrong. */
        record Dropped(UdpRejectReason reason, String message, List<Outgoing> replies) implements Received {
            public Dropped {
                Objects.requireNonNull(reason, "reason");
                Objects.requireNonNull(message, "message");
            }
        }
    }

    /**
     * @param members     the other members' addresses: only they may send to this member
     * @param epochMicros wall-clock microseconds since the epoch: the counter never falls below it, so that it keeps
     *                    rising across a restart of this member
     * @param nonces      the hellos' nonces: unpredictable ({@link java.security.SecureRandom#nextLong}), or a recording
     *                    could carry the answer to a future hello
     * @param nowNanos    this member's start, on the {@link System#nanoTime()} scale: the first hellos are due then
     */
    public UdpAuthenticator(IpAddress self, List<IpAddress> members, Keyring keys, Duration rotationWindow,
                            LongSupplier epochMicros, LongSupplier nonces, long nowNanos) {
        this.self = Objects.requireNonNull(self, "self");
        for (IpAddress m : members) {
            if (m.isV4() != self.isV4()) {
                throw new IllegalArgumentException("member " + m + " is not of the family of this member's address "
                        + self + "; the udp transport runs over one family");
            }
            peers.put(m, new PeerHandshake(nowNanos));
        }
        this.rotation = new KeyRotation(keys, rotationWindow, nowNanos);
        this.epochMicros = Objects.requireNonNull(epochMicros, "epochMicros");
        this.nonces = Objects.requireNonNull(nonces, "nonces");
    }

    /** Seals one VRRPv3 advert for sending; each call takes a new counter value. */
    public synchronized byte[] seal(byte[] vrrp, long nowNanos) {
        return UdpAdvertCodec.seal(rotation.signing(nowNanos), nextCounter(), self, vrrp);
    }

    /** The hellos due at {@code nowNanos}, one to each peer not confirmed yet whose re-send time has come. */
    public synchronized List<Outgoing> hellosDue(long nowNanos) {
        List<Outgoing> due = new ArrayList<>();
        peers.forEach((address, peer) -> {
            if (peer.helloDue(nowNanos)) {
                due.add(hello(address, peer, nowNanos));
            }
        });
        return due;
    }

    /** When {@link #hellosDue} next has something; empty once every peer is confirmed. */
    public synchronized OptionalLong nextHelloNanos() {
        OptionalLong next = OptionalLong.empty();
        for (PeerHandshake peer : peers.values()) {
            if (!peer.confirmed() && (next.isEmpty() || peer.nextHelloNanos() - next.getAsLong() < 0)) {
                next = OptionalLong.of(peer.nextHelloNanos());
            }
        }
        return next;
    }

    /** Whether {@code member} has answered a hello of this start, so that its adverts are believed. */
    public synchronized boolean confirmed(IpAddress member) {
        PeerHandshake peer = peers.get(member);
        return peer != null && peer.confirmed();
    }

    /**
     * Opens a datagram that came from {@code source}: an advert of a confirmed member moves that member's replay
     * window; a hello is answered; an ack may confirm its sender.
     */
    public synchronized Received open(byte[] buf, int offset, int length, IpAddress source, long nowNanos) {
        UdpAdvertCodec.Opened opened = UdpAdvertCodec.open(buf, offset, length, rotation.keys());
        if (opened instanceof UdpAdvertCodec.Opened.Rejected r) {
            return new Received.Dropped(r.reason(), r.message(), List.of());
        }
        UdpAdvertCodec.Opened.Authentic a = (UdpAdvertCodec.Opened.Authentic) opened;
        String what = UdpAdvertCodec.describe(a.type());
        if (!a.sender().equals(source)) {
            return new Received.Dropped(UdpRejectReason.SENDER_MISMATCH, "authentic " + what + " of " + a.sender()
                    + " arrived from " + source + " (address translation between the members, or re-sent by someone"
                    + " else)", List.of());
        }
        PeerHandshake peer = peers.get(a.sender());
        if (peer == null) {
            return new Received.Dropped(UdpRejectReason.UNKNOWN_SENDER, "authentic " + what + " from " + a.sender()
                    + ", which is not a member of this pair (members: " + peers.keySet() + ")", List.of());
        }
        return switch (a.type()) {
            case ADVERT -> advert(a, peer, nowNanos);
            case HELLO -> answer(a, peer, nowNanos);
            case HELLO_ACK -> acknowledged(a, peer, nowNanos);
        };
    }

    private Received advert(UdpAdvertCodec.Opened.Authentic a, PeerHandshake peer, long nowNanos) {
        if (!peer.confirmed()) {
            return new Received.Dropped(UdpRejectReason.UNCONFIRMED, "authentic advert from " + a.sender()
                    + " before it answered this member's hello; freshness not proven yet",
                    prompt(a.sender(), peer, nowNanos));
        }
        if (!peer.window().accept(a.counter())) {
            return new Received.Dropped(UdpRejectReason.REPLAYED, "counter " + Long.toUnsignedString(a.counter())
                    + " from " + a.sender() + " was seen already or is too old (highest so far "
                    + Long.toUnsignedString(peer.window().highest()) + "; a replay, or the sender's clock went back)",
                    List.of());
        }
        return new Received.Advert(a.counter(), a.sender(), a.bodyOffset(), a.bodyLength());
    }

    private Received answer(UdpAdvertCodec.Opened.Authentic hello, PeerHandshake peer, long nowNanos) {
        List<Outgoing> replies = new ArrayList<>(2);
        replies.add(new Outgoing(hello.sender(), sealHandshake(UdpAdvertCodec.Type.HELLO_ACK, hello.nonce(), nowNanos)));
        // The peer is up: ask for its answer now rather than at the next re-send.
        replies.addAll(prompt(hello.sender(), peer, nowNanos));
        return new Received.Handshake(hello.sender(), List.copyOf(replies), -1);
    }

    private Received acknowledged(UdpAdvertCodec.Opened.Authentic ack, PeerHandshake peer, long nowNanos) {
        if (!peer.sent(ack.nonce())) {
            return new Received.Dropped(UdpRejectReason.WRONG_NONCE, "hello ack from " + ack.sender() + " echoes a"
                    + " nonce this member did not send it since it started: an answer recorded earlier, replayed",
                    List.of());
        }
        if (peer.confirmed()) {
            return new Received.Handshake(ack.sender(), List.of(), -1); // a late answer to an earlier hello
        }
        return new Received.Handshake(ack.sender(), List.of(), peer.confirm(ack.counter(), nowNanos));
    }

    private List<Outgoing> prompt(IpAddress to, PeerHandshake peer, long nowNanos) {
        return peer.mayPrompt(nowNanos) ? List.of(hello(to, peer, nowNanos)) : List.of();
    }

    private Outgoing hello(IpAddress to, PeerHandshake peer, long nowNanos) {
        long nonce = nonces.getAsLong();
        peer.helloSent(nonce, nowNanos);
        return new Outgoing(to, sealHandshake(UdpAdvertCodec.Type.HELLO, nonce, nowNanos));
    }

    private byte[] sealHandshake(UdpAdvertCodec.Type type, long nonce, long nowNanos) {
        return UdpAdvertCodec.sealHandshake(type, rotation.signing(nowNanos), nextCounter(), self, nonce);
    }

    private long nextCounter() {
        counter = Math.max(counter + 1, epochMicros.getAsLong());
        return counter;
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
