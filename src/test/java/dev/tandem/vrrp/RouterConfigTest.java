package dev.tandem.vrrp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tandem.vrrp.Routers.SELF;
import static dev.tandem.vrrp.Routers.VIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouterConfigTest {

    @Test
    void acceptsTheProtocolRangesAtTheirEdges() {
        RouterConfig low = new RouterConfig(1, 1, 1, false, 0, SELF, List.of(VIP));
        RouterConfig high = new RouterConfig(255, 255, 4095, true, 5_000_000_000L, SELF, List.of(VIP));
        assertThat(low.isOwner()).isFalse();
        assertThat(high.isOwner()).isTrue();
        assertThat(high.advertIntervalNanos()).isEqualTo(40_950_000_000L);
    }

    @Test
    void namesTheFieldAndTheValueItRejects() {
        assertThatThrownBy(() -> new RouterConfig(0, 100, 100, true, 0, SELF, List.of(VIP)))
                .hasMessage("vrid must be 1-255, got 0");
        assertThatThrownBy(() -> new RouterConfig(256, 100, 100, true, 0, SELF, List.of(VIP)))
                .hasMessage("vrid must be 1-255, got 256");
        assertThatThrownBy(() -> new RouterConfig(1, 0, 100, true, 0, SELF, List.of(VIP)))
                .hasMessageStartingWith("priority must be 1-255").hasMessageEndingWith("got 0");
        assertThatThrownBy(() -> new RouterConfig(1, 100, 0, true, 0, SELF, List.of(VIP)))
                .hasMessage("advertIntervalCentis must be 1-4095 (10 ms to 40.95 s), got 0");
        assertThatThrownBy(() -> new RouterConfig(1, 100, 4096, true, 0, SELF, List.of(VIP)))
                .hasMessageEndingWith("got 4096");
        assertThatThrownBy(() -> new RouterConfig(1, 100, 100, true, -1, SELF, List.of(VIP)))
                .hasMessage("preemptDelayNanos must not be negative, got -1");
        assertThatThrownBy(() -> new RouterConfig(1, 100, 100, true, 0, SELF, List.of()))
                .hasMessage("virtualAddresses must hold 1-255 addresses, got 0");
        assertThatThrownBy(() -> new RouterConfig(1, 100, 100, true, 0, SELF, List.of(VIP, VIP)))
                .hasMessageContaining("must not repeat");
        assertThatThrownBy(() -> new RouterConfig(1, 100, 100, true, 0, SELF, List.of(IpAddress.parse("2001:db8::1"))))
                .hasMessage("virtual address 2001:db8::1 is not of the same family as primary address 10.0.0.10");
    }

    @Test
    void copiesTheAddressList() {
        var addresses = new java.util.ArrayList<>(List.of(VIP));
        RouterConfig config = new RouterConfig(1, 100, 100, true, 0, SELF, addresses);
        addresses.add(SELF);
        assertThat(config.virtualAddresses()).containsExactly(VIP);
    }
}
