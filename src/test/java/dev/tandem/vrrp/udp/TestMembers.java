package dev.tandem.vrrp.udp;

import dev.tandem.vrrp.IpAddress;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Members of a udp pair for the pure tests: one wall clock in microseconds, one monotonic clock in nanoseconds, both
 * moved by hand, and a seeded nonce source shared by every member and restart (so nonces differ across restarts, as
 * SecureRandom's do, and a run is repeatable).
 */
final class TestMembers {
    static final AuthKey OLD = AuthKey.of("old key old key old key old key!".getBytes(StandardCharsets.US_ASCII), "old");
    static final AuthKey NEW = AuthKey.of("new key new key new key new key!".getBytes(StandardCharsets.US_ASCII), "new");
    static final IpAddress LB1 = IpAddress.parse("10.0.0.1");
    static final IpAddress LB2 = IpAddress.parse("10.0.0.2");
    static final IpAddress STRANGER = IpAddress.parse("10.0.0.66");
    /** VRID 51, priority 150. */
    static final byte[] ADVERT = HexFormat.of().parseHex("3133960100051234" + "0a000064");
    /** VRID 51, priority 0: "the master is leaving", which makes a backup take over after its skew time. */
    static final byte[] LEAVING = HexFormat.of().parseHex("3133000100051234" + "0a000064");
    static final Duration WINDOW = Duration.ofSeconds(60);

    long wallMicros = 1_700_000_000_000_000L;
    long nanos = 1_000_000_000L;
    final Random random;
    /** For each member, the counter of the ack that confirmed its peer. */
    final Map<UdpAuthenticator, Long> confirmedBy = new java.util.IdentityHashMap<>();

    TestMembers(long seed) {
        this.random = new Random(seed);
    }

    UdpAuthenticator member(IpAddress self, IpAddress peer, Keyring keys) {
        return new UdpAuthenticator(self, List.of(peer), keys, WINDOW, () -> wallMicros, random::nextLong, nanos);
    }

    UdpAuthenticator member(IpAddress self, IpAddress peer) {
        return member(self, peer, Keyring.of(OLD));
    }

    /** Moves both clocks. */
    void advance(Duration d) {
        nanos += d.toNanos();
        wallMicros += d.toNanos() / 1000;
    }

    UdpAuthenticator.Received receive(UdpAuthenticator a, byte[] m, IpAddress from) {
        UdpAuthenticator.Received r = a.open(m, 0, m.length, from, nanos);
        if (r instanceof UdpAuthenticator.Received.Handshake h && h.confirmed()) {
            confirmedBy.put(a, counter(m));
        }
        return r;
    }

    static long counter(byte[] m) {
        return java.nio.ByteBuffer.wrap(m, 12, 8).getLong();
    }

    /** "advert", "handshake", or the reason it was dropped. */
    Object open(UdpAuthenticator a, byte[] m, IpAddress from) {
        return switch (receive(a, m, from)) {
            case UdpAuthenticator.Received.Advert ignored -> "advert";
            case UdpAuthenticator.Received.Handshake ignored -> "handshake";
            case UdpAuthenticator.Received.Dropped d -> d.reason();
        };
    }

    /**
     * A lossless network between members: delivers {@code datagrams} and every reply they call for until none is
     * left (each copy is also handed to {@code tap}, an eavesdropper's recorder), except those {@code lose} picks.
     */
    void deliver(List<UdpAuthenticator.Outgoing> datagrams, IpAddress from, Map<IpAddress, UdpAuthenticator> members,
                 List<byte[]> tap, Predicate<byte[]> lose) {
        record InFlight(IpAddress from, UdpAuthenticator.Outgoing o) {
        }
        Deque<InFlight> queue = new ArrayDeque<>();
        datagrams.forEach(o -> queue.add(new InFlight(from, o)));
        while (!queue.isEmpty()) {
            InFlight f = queue.poll();
            tap.add(f.o().datagram());
            if (lose.test(f.o().datagram())) {
                continue;
            }
            UdpAuthenticator to = members.get(f.o().to());
            receive(to, f.o().datagram(), f.from()).replies().forEach(r -> queue.add(new InFlight(f.o().to(), r)));
        }
    }

    /** Runs {@code a}'s due hellos to {@code b} and every answer back, losing nothing. */
    void handshake(UdpAuthenticator a, IpAddress aAddress, UdpAuthenticator b, IpAddress bAddress) {
        deliver(a.hellosDue(nanos), aAddress, Map.of(aAddress, a, bAddress, b), new ArrayList<>(), m -> false);
    }

    /** The IPv4 sender inside a message. */
    static IpAddress sender(byte[] datagram) {
        return IpAddress.of(java.util.Arrays.copyOfRange(datagram, 20, 24));
    }

    static UdpAdvertCodec.Type type(byte[] datagram) {
        return UdpAdvertCodec.Type.of(datagram[5]);
    }
}
