package dev.tandem.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.vrrp.DecodeResult.Accepted;
import dev.tandem.vrrp.DecodeResult.RejectReason;
import dev.tandem.vrrp.DecodeResult.Rejected;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tuple;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class AdvertCodecPropertiesTest {

    /** An advert with the IP source and destination it travels between. */
    record Case(Advert advert, IpAddress source, IpAddress destination) {
        byte[] vrrp() {
            return AdvertCodec.encode(advert, source, destination);
        }

        byte[] ipv4Packet() {
            return ipv4Packet(vrrp(), 255);
        }

        byte[] ipv4Packet(byte[] vrrp, int ttl) {
            byte[] packet = new byte[20 + vrrp.length];
            packet[0] = 0x45;
            packet[1] = (byte) 0xc0;
            packet[2] = (byte) (packet.length >> 8);
            packet[3] = (byte) packet.length;
            packet[8] = (byte) ttl;
            packet[9] = 112;
            System.arraycopy(source.bytes(), 0, packet, 12, 4);
            System.arraycopy(destination.bytes(), 0, packet, 16, 4);
            System.arraycopy(vrrp, 0, packet, 20, vrrp.length);
            return packet;
        }
    }

    @Property
    void encodeThenDecodeGivesTheAdvertBack(@ForAll("cases") Case c) {
        byte[] vrrp = c.vrrp();

        assertThat(ReferenceChecksum.of(c.source().bytes(), c.destination().bytes(), vrrp)).isZero();
        assertThat(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length, c.source(), c.destination(), 255))
                .isEqualTo(new Accepted(c.advert(), c.source(), c.destination(), 255));
        if (c.advert().isV4()) {
            byte[] packet = c.ipv4Packet();
            assertThat(AdvertCodec.decodeIpv4Packet(packet, 0, packet.length))
                    .isEqualTo(new Accepted(c.advert(), c.source(), c.destination(), 255));
        }
    }

    @Property(tries = 300)
    void everySingleBitFlipInTheVrrpMessageIsRejected(@ForAll("smallCases") Case c) {
        byte[] vrrp = c.vrrp();
        for (int bit = 0; bit < vrrp.length * 8; bit++) {
            byte[] flipped = vrrp.clone();
            flipped[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            DecodeResult result = AdvertCodec.decodeVrrp(flipped, 0, flipped.length, c.source(), c.destination(), 255);
            assertThat(result).as("bit %d", bit).isInstanceOf(Rejected.class);
            assertThat(((Rejected) result).reason()).as("bit %d", bit).isEqualTo(expectedReason(bit));
        }
    }

    @Property(tries = 300)
    void everySingleBitFlipInTheIpv4AddressesOrVrrpIsRejected(@ForAll("smallV4Cases") Case c) {
        byte[] packet = c.ipv4Packet();
        for (int bit = 12 * 8; bit < packet.length * 8; bit++) {
            byte[] flipped = packet.clone();
            flipped[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            DecodeResult result = AdvertCodec.decodeIpv4Packet(flipped, 0, flipped.length);
            assertThat(result).as("bit %d", bit).isInstanceOf(Rejected.class);
            RejectReason expected = bit < 20 * 8 ? RejectReason.BAD_CHECKSUM : expectedReason(bit - 20 * 8);
            assertThat(((Rejected) result).reason()).as("bit %d", bit).isEqualTo(expected);
        }
    }

    @Property(tries = 300)
    void aWrongTtlOrHopLimitIsRejected(@ForAll("smallCases") Case c, @ForAll @IntRange(max = 254) int ttl) {
        byte[] vrrp = c.vrrp();
        assertThat(AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length, c.source(), c.destination(), ttl))
                .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.TTL_NOT_255));
    }

    @Property
    void randomBytesNeverThrowAndAreNeverAcceptedWithAWrongChecksum(
            @ForAll @Size(max = 600) byte[] bytes, @ForAll @IntRange(max = 600) int from,
            @ForAll @IntRange(max = 600) int size, @ForAll("anyAddress") IpAddress source,
            @ForAll("anyAddress") IpAddress destination, @ForAll("ttls") int ttl) {
        int offset = Math.min(from, bytes.length);
        int length = Math.min(size, bytes.length - offset);

        DecodeResult fromRawV4 = AdvertCodec.decodeIpv4Packet(bytes, offset, length);
        DecodeResult fromRawV6 = AdvertCodec.decodeVrrp(bytes, offset, length, source, destination, ttl);

        assertConsistentIfAccepted(fromRawV4, Arrays.copyOfRange(bytes, offset, offset + length), true);
        assertConsistentIfAccepted(fromRawV6, Arrays.copyOfRange(bytes, offset, offset + length), false);
    }

    @Property
    void mutatedPacketsNeverThrowAndAreAcceptedOnlyWhenConsistent(@ForAll("cases") Case c,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(max = 5000) Integer> positions,
            @ForAll @Size(min = 6, max = 6) List<Byte> values, @ForAll @IntRange(min = -20, max = 20) int resize) {
        byte[] original = c.advert().isV4() ? c.ipv4Packet() : c.vrrp();
        byte[] mutated = Arrays.copyOf(original, Math.max(0, original.length + resize));
        for (int i = 0; i < positions.size() && mutated.length > 0; i++) {
            mutated[positions.get(i) % mutated.length] = values.get(i);
        }

        DecodeResult result = c.advert().isV4()
                ? AdvertCodec.decodeIpv4Packet(mutated, 0, mutated.length)
                : AdvertCodec.decodeVrrp(mutated, 0, mutated.length, c.source(), c.destination(), 255);

        assertConsistentIfAccepted(result, mutated, c.advert().isV4());
    }

    /** An accepted packet verifies with the reference checksum and re-encodes to the same bytes. */
    private static void assertConsistentIfAccepted(DecodeResult result, byte[] received, boolean withIpv4Header) {
        if (!(result instanceof Accepted accepted)) {
            return;
        }
        int start = withIpv4Header ? (received[0] & 0x0F) * 4 : 0;
        int end = withIpv4Header ? ((received[2] & 0xFF) << 8 | (received[3] & 0xFF)) : received.length;
        byte[] vrrp = Arrays.copyOfRange(received, start, end);
        assertThat(accepted.ttl()).isEqualTo(255);
        assertThat(ReferenceChecksum.of(accepted.source().bytes(), accepted.destination().bytes(), vrrp)).isZero();
        byte[] reencoded = AdvertCodec.encode(accepted.advert(), accepted.source(), accepted.destination());
        // Only the reserved bits (ignored on reception) and the checksum that covers them may differ.
        vrrp[4] &= 0x0F;
        vrrp[6] = reencoded[6];
        vrrp[7] = reencoded[7];
        assertThat(reencoded).isEqualTo(vrrp);
    }

    /** The reason a flip of the given bit (0 = most significant of the first byte) of a VRRP message gives. */
    private static RejectReason expectedReason(int vrrpBit) {
        return switch (vrrpBit / 8) {
            case 0 -> vrrpBit < 4 ? RejectReason.WRONG_VERSION : RejectReason.UNKNOWN_TYPE;
            case 3 -> RejectReason.BAD_ADDRESS_COUNT;
            // every other bit, checksum and reserved bits included, is covered by the checksum
            default -> RejectReason.BAD_CHECKSUM;
        };
    }

    @Provide
    Arbitrary<Case> cases() {
        return cases(Arbitraries.of(true, false), 255);
    }

    @Provide
    Arbitrary<Case> smallCases() {
        return cases(Arbitraries.of(true, false), 8);
    }

    @Provide
    Arbitrary<Case> smallV4Cases() {
        return cases(Arbitraries.just(true), 8);
    }

    @Provide
    Arbitrary<IpAddress> anyAddress() {
        return Arbitraries.of(true, false).flatMap(AdvertCodecPropertiesTest::addresses);
    }

    @Provide
    Arbitrary<Integer> ttls() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(255)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
    }

    private static Arbitrary<Case> cases(Arbitrary<Boolean> families, int maxAddresses) {
        return families.flatMap(v4 -> {
            Arbitrary<IpAddress> address = addresses(v4);
            return Combinators.combine(
                    Arbitraries.integers().between(1, 255),
                    Arbitraries.integers().between(0, 255),
                    Arbitraries.integers().between(0, Advert.MAX_INTERVAL_CENTIS),
                    address.list().ofMinSize(1).ofMaxSize(maxAddresses),
                    address,
                    address).as((vrid, priority, interval, list, source, destination) ->
                            new Case(Advert.of(vrid, priority, interval, list), source, destination));
        });
    }

    private static Arbitrary<IpAddress> addresses(boolean v4) {
        return Arbitraries.bytes().array(byte[].class).ofSize(v4 ? 4 : 16).map(IpAddress::of);
    }
}
