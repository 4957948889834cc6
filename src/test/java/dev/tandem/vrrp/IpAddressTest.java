package dev.tandem.vrrp;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
            "192.0.2.10, 192.0.2.10",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "::, ::",
            "::1, ::1",
            "1::, 1::",
            "fe80:0:0:0:1:0:0:0, fe80::1:0:0:0",
            "::ffff:192.0.2.1, ::ffff:192.0.2.1",
            "::ffff:c000:0201, ::ffff:192.0.2.1",
            "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
    })
    void parsesAndPrintsCanonicalText(String text, String canonical) {
        IpAddress address = IpAddress.parse(text);
        assertThat(address).hasToString(canonical);
        assertThat(IpAddress.parse(canonical)).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", "1.2.3.4/24",
            "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", ":1::", "1:2:3:4:5:6:7::8",
            "fe80::1%eth0", "1.2.3.4::", "::1.2.3", "host.example"})
    void rejectsTextThatIsNotAnAddress(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + text + "\"");
        assertThat(IpAddress.tryParse(text)).isEmpty();
    }

    @Test
    void ordersUnsignedByteWiseSoTheTieBreakPrefersTheHigherAddress() {
        // 10.0.0.200 > 10.0.0.3 only if bytes compare unsigned (200 is negative as a Java byte).
        assertThat(IpAddress.parse("10.0.0.200")).isGreaterThan(IpAddress.parse("10.0.0.3"));
        assertThat(IpAddress.parse("192.0.2.1")).isGreaterThan(IpAddress.parse("10.255.255.255"));
        assertThat(IpAddress.parse("fe80::1")).isGreaterThan(IpAddress.parse("2001:db8::ffff"));
        assertThat(IpAddress.parse("255.255.255.255")).isLessThan(IpAddress.parse("::"));
    }

    @Test
    void isImmutable() {
        byte[] raw = {10, 0, 0, 1};
        IpAddress address = IpAddress.of(raw);
        raw[3] = 99;
        address.bytes()[3] = 42;
        assertThat(address).hasToString("10.0.0.1");
        assertThat(address.isV4()).isTrue();
        assertThatThrownBy(() -> IpAddress.of(new byte[5])).hasMessageContaining("4 or 16 bytes, got 5");
    }

    @Property
    void v6TextRoundTrips(@ForAll @Size(16) byte[] raw) {
        IpAddress address = IpAddress.of(raw);
        assertThat(IpAddress.parse(address.toString())).isEqualTo(address);
        assertThat(address.toString()).doesNotContain(":::").isEqualTo(address.toString().toLowerCase());
    }

    @Property
    void v4TextRoundTrips(@ForAll @Size(4) byte[] raw) {
        IpAddress address = IpAddress.of(raw);
        assertThat(IpAddress.parse(address.toString())).isEqualTo(address);
    }
}
