package dev.tandem.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The route, link and address tables and the gateway probes against a real kernel: a "host" namespace joined to a
 * "gateway" namespace by a veth pair, checked with iproute2's own view of the result.
 */
class RoutesLinksAndProbesInNamespacesTest {
    static final byte[] HOST = {10, 96, 1, 2};
    static final byte[] GATEWAY = {10, 96, 1, 1};
    static final byte[] NOBODY = {10, 96, 1, 99};

    NetNs host;
    NetNs gateway;

    @BeforeEach
    void setUp() {
        NetNs.assumeAvailable();
        host = NetNs.create();
        gateway = NetNs.create();
        NetNs.veth(host, "up0", gateway, "down0");
        host.ip("addr", "add", "10.96.1.2/24", "dev", "up0");
        gateway.ip("addr", "add", "10.96.1.1/24", "dev", "down0");
    }

    @AfterEach
    void tearDown() {
        if (host != null) host.close();
        if (gateway != null) gateway.close();
    }

    @Test
    void defaultRoutesAreAddedReplacedListedAndDeleted() throws Exception {
        host.call(() -> {
            try (RouteTable routes = RouteTable.open(); LinkTable links = LinkTable.open()) {
                int up0 = links.require("up0").index();
                routes.add(Route.defaultVia(GATEWAY, up0, 110, Route.TANDEM_PROTOCOL));
                assertThatThrownBy(() -> routes.add(Route.defaultVia(GATEWAY, up0, 110, Route.TANDEM_PROTOCOL)))
                        .isInstanceOf(ErrnoException.class).hasMessageContaining("File exists");
                routes.replace(Route.defaultVia(GATEWAY, up0, 99, Route.TANDEM_PROTOCOL));
                List<Route> defaults = routes.mainTable().stream().filter(Route::isDefault).toList();
                assertThat(defaults).containsExactlyInAnyOrder(
                        Route.defaultVia(GATEWAY, up0, 99, Route.TANDEM_PROTOCOL),
                        Route.defaultVia(GATEWAY, up0, 110, Route.TANDEM_PROTOCOL));
                assertThat(routes.delete(Route.defaultVia(GATEWAY, up0, 110, Route.TANDEM_PROTOCOL))).isTrue();
                assertThat(routes.delete(Route.defaultVia(GATEWAY, up0, 110, Route.TANDEM_PROTOCOL)))
                        .as("already gone").isFalse();
                return null;
            }
        });
        assertThat(host.ip("route", "show", "default")).isEqualTo("default via 10.96.1.1 dev up0 proto 231 metric 99 \n");
    }

    @Test
    void linksAreReadSetDownAndUpAndAddressesMoved() throws Exception {
        host.call(() -> {
            try (LinkTable links = LinkTable.open(); InterfaceAddresses addresses = InterfaceAddresses.open()) {
                LinkState up0 = links.require("up0");
                assertThat(up0.isUp()).isTrue();
                assertThat(up0.kind()).isEqualTo("veth");
                assertThat(up0.master()).isZero();
                assertThatThrownBy(() -> links.require("wlan7")).isInstanceOf(InterfaceNotFoundException.class)
                        .hasMessage("interface wlan7 does not exist on this host; interfaces: lo, up0");
                addresses.add(up0.index(), "up0", new byte[] {10, 96, 1, 3}, 24, "up0:x");
                assertThat(addresses.all()).anySatisfy(a -> assertThat(a.text()).isEqualTo("10.96.1.3/24"));
                addresses.remove(up0.index(), "up0", new byte[] {10, 96, 1, 3}, 24);
                addresses.remove(up0.index(), "up0", new byte[] {10, 96, 1, 3}, 24); // not there: no error
                links.setUp(up0, false);
                assertThat(links.require("up0").isUp()).isFalse();
                links.setUp(up0, true);
                assertThat(links.require("up0").isUp()).isTrue();
                return null;
            }
        });
        assertThat(host.ip("-br", "addr", "show", "dev", "up0")).doesNotContain("10.96.1.3");
    }

    @Test
    void aBondIsCreatedWhereTheKernelCanAndRefusedPlainlyWhereItCannot() throws Exception {
        host.call(() -> {
            try (LinkTable links = LinkTable.open()) {
                BondOptions options = new BondOptions(BondOptions.ACTIVE_BACKUP, 100, 200, 200, 0,
                        BondOptions.RESELECT_ALWAYS, BondOptions.MAC_ACTIVE, 1, 0, List.of());
                try {
                    links.createBond("tbond0", options);
                } catch (BondingUnavailableException e) {
                    System.out.println("RoutesLinksAndProbesInNamespacesTest: this kernel has no bonding driver, so"
                            + " the bond was refused as expected: " + e.getMessage());
                    assertThat(e).hasMessageContaining("this kernel has no bonding driver")
                            .hasMessageContaining("modprobe bonding");
                    assertThat(links.find("tbond0")).isEmpty();
                    return null;
                }
                LinkState bond = links.require("tbond0");
                assertThat(bond.isBond()).isTrue();
                assertThat(bond.bond()).isEqualTo(options);
                return null;
            }
        });
    }

    @Test
    void theGatewayAnswersArpAndEchoAndSilenceIsNoAnswer() throws Exception {
        host.call(() -> {
            try (ArpProbe arp = ArpProbe.open("up0", GATEWAY); ArpProbe silent = ArpProbe.open("up0", NOBODY);
                 IcmpProbe icmp = IcmpProbe.open("up0", GATEWAY); IcmpProbe icmpSilent = IcmpProbe.open("up0", NOBODY)) {
                assertThat(arp.probe(Duration.ofMillis(500))).as(arp.describe()).isTrue();
                assertThat(icmp.probe(Duration.ofMillis(500))).as(icmp.describe()).isTrue();
                assertThat(silent.probe(Duration.ofMillis(100))).as(silent.describe()).isFalse();
                assertThat(icmpSilent.probe(Duration.ofMillis(100))).as(icmpSilent.describe()).isFalse();
                for (int i = 0; i < 5; i++) {
                    assertThat(arp.probe(Duration.ofMillis(200))).as("probe " + i).isTrue();
                    assertThat(icmp.probe(Duration.ofMillis(200))).as("echo " + i).isTrue();
                }
                return null;
            }
        });
        gateway.ip("link", "set", "down0", "down");
        host.call(() -> {
            try (ArpProbe arp = ArpProbe.open("up0", GATEWAY); IcmpProbe icmp = IcmpProbe.open("up0", GATEWAY)) {
                assertThat(arp.probe(Duration.ofMillis(100))).as("the gateway's link is down").isFalse();
                assertThat(icmp.probe(Duration.ofMillis(100))).as("the gateway's link is down").isFalse();
                return null;
            }
        });
        host.ip("link", "set", "up0", "down");
        host.call(() -> {
            try (ArpProbe arp = ArpProbe.open("up0", GATEWAY); IcmpProbe icmp = IcmpProbe.open("up0", GATEWAY)) {
                assertThat(arp.probe(Duration.ofMillis(50))).as("our link is down: no answer, no error").isFalse();
                assertThat(icmp.probe(Duration.ofMillis(50))).as("our link is down: no answer, no error").isFalse();
                return null;
            }
        });
    }
}
