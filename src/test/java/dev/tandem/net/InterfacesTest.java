package dev.tandem.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Interface lookups in the calling thread's namespace, checked inside a fresh one whose contents are known. */
class InterfacesTest {
    @Test
    void existingAndMissingInterfaces() throws Exception {
        NetNs.assumeAvailable();
        try (NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            NetNs.veth(a, "va", b, "vb");
            assertThat(a.call(Interfaces::names)).containsExactly("lo", "va");
            assertThat(a.call(() -> Interfaces.require("lo"))).isEqualTo(1);
            assertThat(a.call(() -> Interfaces.require("va"))).isGreaterThan(1);
            assertThatThrownBy(() -> a.call(() -> Interfaces.require("eth9")))
                    .isInstanceOf(InterfaceNotFoundException.class)
                    .hasMessage("interface eth9 does not exist on this host; interfaces: lo, va")
                    .satisfies(e -> assertThat(((InterfaceNotFoundException) e).available()).containsExactly("lo", "va"));
            assertThatThrownBy(() -> a.call(() -> Interfaces.require("a-name-much-too-long")))
                    .isInstanceOf(InterfaceNotFoundException.class)
                    .hasMessageContaining("longer than 15 characters");
        }
    }
}
