package dev.tandem.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class IpAddressesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"192.0.2.10", "0.0.0.0", "255.255.255.255", "10.1.2.3", "1.2.3.4"})
    void parsesIpv4DottedQuads(String text) {
        assertThat(IpAddresses.parse(text)).get().isInstanceOf(Inet4Address.class)
                .extracting(InetAddress::getHostAddress).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "2001:db8::10, 2001:db8:0:0:0:0:0:10",
            "2001:DB8::10, 2001:db8:0:0:0:0:0:10",
            "2001:0db8:0000:0000:0000:0000:0000:0010, 2001:db8:0:0:0:0:0:10",
            "::1, 0:0:0:0:0:0:0:1",
            "::, 0:0:0:0:0:0:0:0",
            "fe80::1, fe80:0:0:0:0:0:0:1",
            "2001:db8::192.0.2.1, 2001:db8:0:0:0:0:c000:201",
    })
    void parsesIpv6Literals(String text, String canonical) {
        assertThat(IpAddresses.parse(text)).get().isInstanceOf(Inet6Address.class)
                .extracting(InetAddress::getHostAddress).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"", "localhost", "example.com", "node-a", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4",
            "1.2.3.4 ", " 1.2.3.4", "192.0.2.10/24", "[::1]", ":::", "2001:db8::1::2", "2001:db8::g", "1:2:3:4:5:6:7:8:9",
            "0x7f.0.0.1", "2130706433"})
    void refusesWhatIsNotAnAddressLiteral(String text) {
        assertThat(IpAddresses.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @NullSource
    void refusesNull(String text) {
        assertThat(IpAddresses.parse(text)).isEmpty();
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"fe80::1%eth0", "fe80::1%2", "fe80::1%", "2001:db8::1%lo"})
    void refusesZoneIds(String text) {
        assertThat(IpAddresses.parse(text)).isEmpty();
    }

    @Test
    void neverAsksTheResolverAboutAHostName() throws Exception {
        // The recording resolver must be the one in use, or this test would prove nothing.
        String probe = "probe-" + UUID.randomUUID() + RecordingResolverProvider.PROBE_DOMAIN;
        InetAddress.getByName(probe);
        assertThat(RecordingResolverProvider.lookedUp(probe)).as("recording resolver is installed").isTrue();

        String unique = "fip-" + UUID.randomUUID() + RecordingResolverProvider.PROBE_DOMAIN;
        for (String name : new String[]{unique, "localhost", "example.com"}) {
            boolean before = RecordingResolverProvider.lookedUp(name);
            assertThat(IpAddresses.parse(name)).as(name).isEmpty();
            assertThat(RecordingResolverProvider.lookedUp(name)).as("looked up " + name).isEqualTo(before);
        }
        assertThat(RecordingResolverProvider.lookedUp(unique)).isFalse();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "0.0.0.0, unspecified",
            "::, unspecified",
            "127.0.0.1, loopback",
            "127.1.2.3, loopback",
            "::1, loopback",
            "224.0.0.18, multicast",
            "ff02::12, multicast",
            "255.255.255.255, broadcast",
            "169.254.1.1, link-local",
            "fe80::1, link-local",
    })
    void refusesAddressesThatCannotFloat(String text, String why) {
        InetAddress address = IpAddresses.parse(text).orElseThrow();
        assertThat(IpAddresses.unusableAsFloating(address)).get().asString().contains(why);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"192.0.2.10", "10.0.0.1", "203.0.113.255", "2001:db8::10", "fd00::1"})
    void acceptsOrdinaryUnicastAddresses(String text) {
        assertThat(IpAddresses.unusableAsFloating(IpAddresses.parse(text).orElseThrow())).isEmpty();
    }

    @Test
    void maxPrefixLengthFollowsTheFamily() {
        assertThat(IpAddresses.maxPrefixLength(IpAddresses.parse("192.0.2.1").orElseThrow())).isEqualTo(32);
        assertThat(IpAddresses.maxPrefixLength(IpAddresses.parse("2001:db8::1").orElseThrow())).isEqualTo(128);
    }
}
