package dev.tandem.vrrp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdvertTest {
    private static final List<IpAddress> ONE = List.of(IpAddress.parse("192.0.2.100"));

    @Test
    void ofBuildsAVersion3Advertisement() {
        Advert advert = Advert.of(7, 100, 100, ONE);
        assertThat(advert.version()).isEqualTo(3);
        assertThat(advert.type()).isEqualTo(1);
        assertThat(advert.isV4()).isTrue();
    }

    @Test
    void acceptsTheEdgesOfEveryRange() {
        Advert.of(1, 0, 0, ONE);
        Advert.of(255, 255, 4095, Collections.nCopies(255, IpAddress.parse("2001:db8::1")));
    }

    @Test
    void rejectsValuesOutOfRange() {
        assertRejected(() -> new Advert(2, 1, 7, 100, 100, ONE), "version must be 3, got 2");
        assertRejected(() -> new Advert(3, 2, 7, 100, 100, ONE), "type must be 1, got 2");
        assertRejected(() -> Advert.of(0, 100, 100, ONE), "vrid must be 1-255, got 0");
        assertRejected(() -> Advert.of(256, 100, 100, ONE), "vrid must be 1-255, got 256");
        assertRejected(() -> Advert.of(7, -1, 100, ONE), "priority must be 0-255, got -1");
        assertRejected(() -> Advert.of(7, 256, 100, ONE), "priority must be 0-255, got 256");
        assertRejected(() -> Advert.of(7, 100, 4096, ONE), "maxAdvertIntervalCentis must be 0-4095, got 4096");
        assertRejected(() -> Advert.of(7, 100, -1, ONE), "maxAdvertIntervalCentis must be 0-4095, got -1");
        assertRejected(() -> Advert.of(7, 100, 100, List.of()), "1-255 entries, got 0");
        assertRejected(() -> Advert.of(7, 100, 100, Collections.nCopies(256, IpAddress.parse("192.0.2.1"))),
                "1-255 entries, got 256");
        assertRejected(() -> Advert.of(7, 100, 100,
                List.of(IpAddress.parse("192.0.2.1"), IpAddress.parse("2001:db8::1"))), "must all be IPv4 or all IPv6");
    }

    @Test
    void addressesAreCopied() {
        List<IpAddress> mutable = new ArrayList<>(ONE);
        Advert advert = Advert.of(7, 100, 100, mutable);
        mutable.add(IpAddress.parse("192.0.2.101"));
        assertThat(advert.addresses()).hasSize(1);
        assertThatThrownBy(() -> advert.addresses().add(IpAddress.parse("192.0.2.102")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static void assertRejected(Runnable construction, String message) {
        assertThatThrownBy(construction::run).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
