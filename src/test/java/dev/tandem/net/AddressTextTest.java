package dev.tandem.net;

import org.junit.jupiter.api.Test;

import static dev.tandem.net.Ipv6VrrpSocketTest.address;
import static org.assertj.core.api.Assertions.assertThat;

class AddressTextTest {
    @Test
    void rfc5952Text() {
        assertThat(AddressText.of(address("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1"); // first longest run
        assertThat(AddressText.of(address("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1"); // one zero stays
        assertThat(AddressText.of(address("::"))).isEqualTo("::");
        assertThat(AddressText.of(address("::1"))).isEqualTo("::1");
        assertThat(AddressText.of(address("ff02::12"))).isEqualTo("ff02::12");
        assertThat(AddressText.of(address("fe80::44d0:a5ff:fe92:bff3"))).isEqualTo("fe80::44d0:a5ff:fe92:bff3");
        assertThat(AddressText.of(address("1:0:0:0:0:0:0:0"))).isEqualTo("1::");
        assertThat(AddressText.of(new byte[] {(byte) 198, 18, 0, (byte) 255}, 15)).isEqualTo("198.18.0.255/15");
    }
}
