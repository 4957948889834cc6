package dev.tandem.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.vrrp.DecodeResult.Accepted;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Adverts captured from keepalived 2.2.7 with {@code vrrp_version 3}; how is written in each fixture file. */
class AdvertCodecKeepalivedTest {

    @Test
    void decodesKeepalivedUnicastIpv4Advert() throws IOException {
        byte[] packet = fixture("keepalived-v3-ipv4.hex");

        Accepted accepted = AdvertCodecTest.accepted(AdvertCodec.decodeIpv4Packet(packet, 0, packet.length));

        assertThat(accepted.advert()).isEqualTo(Advert.of(51, 150, 10,
                List.of(IpAddress.parse("10.99.0.100"), IpAddress.parse("10.99.0.101"))));
        assertThat(accepted.source()).isEqualTo(IpAddress.parse("10.99.0.1"));
        // unicast: the peer, not 224.0.0.18, is the destination and is in the checksum's pseudo-header
        assertThat(accepted.destination()).isEqualTo(IpAddress.parse("10.99.0.2"));
        assertThat(accepted.ttl()).isEqualTo(255);
    }

    @Test
    void encodesTheSameBytesKeepalivedSentOverIpv4() throws IOException {
        byte[] packet = fixture("keepalived-v3-ipv4.hex");
        Accepted accepted = AdvertCodecTest.accepted(AdvertCodec.decodeIpv4Packet(packet, 0, packet.length));

        byte[] ours = AdvertCodec.encode(accepted.advert(), accepted.source(), accepted.destination());

        assertThat(ours).isEqualTo(Arrays.copyOfRange(packet, 20, packet.length));
    }

    @Test
    void decodesKeepalivedMulticastIpv6Advert() throws IOException {
        byte[] packet = fixture("keepalived-v3-ipv6.hex");
        // What the kernel does for a raw IPv6 socket: strip the 40-byte header, report the hop limit separately.
        int hopLimit = packet[7] & 0xFF;
        IpAddress source = IpAddress.of(Arrays.copyOfRange(packet, 8, 24));
        IpAddress destination = IpAddress.of(Arrays.copyOfRange(packet, 24, 40));
        byte[] vrrp = Arrays.copyOfRange(packet, 40, packet.length);
        assertThat(packet[6]).as("next header").isEqualTo((byte) 112);

        Accepted accepted = AdvertCodecTest.accepted(
                AdvertCodec.decodeVrrp(vrrp, 0, vrrp.length, source, destination, hopLimit));

        assertThat(accepted.advert()).isEqualTo(Advert.of(52, 200, 50,
                List.of(IpAddress.parse("fd99::100"), IpAddress.parse("fe80::99:100"))));
        assertThat(accepted.source()).isEqualTo(IpAddress.parse("fe80::ff:fe99:1"));
        assertThat(accepted.destination()).isEqualTo(AdvertCodec.IPV6_MULTICAST_GROUP);
        assertThat(AdvertCodec.encode(accepted.advert(), source, destination)).isEqualTo(vrrp);
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = AdvertCodecKeepalivedTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource dev/tandem/vrrp/" + name).isNotNull();
            return ReferenceChecksum.hex(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
