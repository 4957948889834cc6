package dev.tandem.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A standalone agent's view of its pair, from a YAML file of the same resources as in a cluster. */
class PairPlanTest {
    static final Path FILE = Path.of("src/test/resources/dev/tandem/agent/standalone-pair.yaml");

    @TempDir
    Path tmp;

    @Test
    void resolvesTheNodesPlanFromTheFile() {
        StandaloneResources r = StandaloneResources.load(FILE, null);
        PairPlan plan = PairPlan.of(r.pair(), r.floatingIps(), "lb-2", Map.of(), r.pair().getSpec().virtualRouterId);

        assertThat(plan.node()).isEqualTo("lb-2");
        assertThat(plan.priority()).isEqualTo(100);
        assertThat(plan.selfAddress()).isEqualTo("10.99.1.2");
        assertThat(plan.peers()).containsExactly(new PairPlan.Peer("lb-1", "10.99.1.1"));
        assertThat(plan.interfaceName()).as("the member's own interface wins").isEqualTo("eth1");
        assertThat(plan.virtualRouterId()).isEqualTo(42);
        assertThat(plan.advertIntervalCentis()).isEqualTo(5);
        assertThat(plan.preempt()).isTrue();
        assertThat(plan.preemptDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(plan.healthChecks()).singleElement().satisfies(c -> assertThat(c.weight).isEqualTo(60));
        assertThat(plan.addresses()).singleElement().satisfies(a -> {
            assertThat(a.floatingIp()).isEqualTo("edge-vip");
            assertThat(a.address()).isEqualTo("10.99.1.100");
            assertThat(a.prefixLength()).isEqualTo(32);
            assertThat(a.interfaceName()).isEqualTo("eth1");
            assertThat(a.announceCount()).isEqualTo(3);
            assertThat(a.announceInterval()).isEqualTo(Duration.ofMillis(20));
            assertThat(a.isV4()).isTrue();
        });
    }

    @Test
    void aNodeThatIsNotAMemberIsToldSo() {
        StandaloneResources r = StandaloneResources.load(FILE, null);
        assertThatThrownBy(() -> PairPlan.of(r.pair(), r.floatingIps(), "lb-3", Map.of(), 42))
                .isInstanceOf(PairPlan.PlanException.class)
                .hasMessageContaining("node lb-3 is not a member of FailoverPair edge (members: lb-1, lb-2)");
    }

    @Test
    void missingAddressesAndRouterIdAreNamed() throws IOException {
        Path f = tmp.resolve("pair.yaml");
        Files.writeString(f, Files.readString(FILE).replace("      address: 10.99.1.1\n", "")
                .replace("  virtualRouterId: 42\n", ""));
        StandaloneResources r = StandaloneResources.load(f, "edge");
        assertThatThrownBy(() -> PairPlan.of(r.pair(), r.floatingIps(), "lb-2", Map.of(), r.pair().getSpec().virtualRouterId))
                .isInstanceOf(PairPlan.PlanException.class)
                .hasMessageContaining("no address for member lb-1")
                .hasMessageContaining("has no virtual router id yet");
    }

    @Test
    void anInvalidResourceIsRefusedWithItsField() throws IOException {
        Path f = tmp.resolve("pair.yaml");
        Files.writeString(f, Files.readString(FILE).replace("priority: 150", "priority: 300"));
        StandaloneResources r = StandaloneResources.load(f, null);
        assertThatThrownBy(() -> PairPlan.of(r.pair(), r.floatingIps(), "lb-1", Map.of(), 42))
                .hasMessageContaining("FailoverPair edge: spec.members[0].priority: must be between 1 and 254, got 300");
    }

    @Test
    void aMisspeltFieldIsAnErrorNotIgnored() throws IOException {
        Path f = tmp.resolve("pair.yaml");
        Files.writeString(f, Files.readString(FILE).replace("advertInterval: 50ms", "advertIntervall: 50ms"));
        assertThatThrownBy(() -> StandaloneResources.load(f, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("document 2 (FailoverPair)")
                .hasMessageContaining("advertIntervall");
    }

    @Test
    void aFileWithSeveralPairsNeedsAChoice() throws IOException {
        Path f = tmp.resolve("pairs.yaml");
        Files.writeString(f, Files.readString(FILE) + "\n---\n" + Files.readString(FILE).split("---\n")[1]
                .replace("name: edge", "name: core"));
        assertThatThrownBy(() -> StandaloneResources.load(f, null)).hasMessageContaining("has 2 FailoverPairs (edge, core)");
        assertThat(StandaloneResources.load(f, "core").pair().getMetadata().getName()).isEqualTo("core");
        assertThatThrownBy(() -> StandaloneResources.load(f, "nope")).hasMessageContaining("no FailoverPair named nope");
    }

    @Test
    void aStandaloneUdpPairNeedsItsKeySecretNamedAndReadsTheKeysFromTheCredentialsDirectory() throws IOException {
        Path f = tmp.resolve("udp.yaml");
        Files.writeString(f, Files.readString(FILE).replace("  advertInterval: 50ms\n", "  advertInterval: 50ms\n  transport: {type: udp}\n"));
        assertThatThrownBy(() -> StandaloneAgent.start(f, "lb-1", null, null, List.of(), Path.of("/nonexistent")))
                .isInstanceOf(PairPlan.PlanException.class)
                .hasMessageContaining("uses transport udp but no key Secret is known yet: set spec.transport.udp.authSecretRef");

        Files.writeString(f, Files.readString(FILE).replace("  advertInterval: 50ms\n",
                "  advertInterval: 50ms\n  transport: {type: udp, udp: {port: 6000, authSecretRef: {name: edge-auth}}}\n"));
        StandaloneResources r = StandaloneResources.load(f, null);
        PairPlan plan = PairPlan.of(r.pair(), r.floatingIps(), "lb-1", Map.of(), 42);
        assertThat(plan.udp()).isEqualTo(new PairPlan.Udp(6000, "edge-auth", "key"));
        assertThat(plan.multicast()).isFalse();

        Path credentials = tmp.resolve("credentials");
        StandaloneAuthKeys keys = new StandaloneAuthKeys(credentials, plan.udp());
        assertThatThrownBy(keys::load).hasMessageContaining("file " + credentials.resolve("edge-auth/key") + " does not exist");
        Files.createDirectories(credentials.resolve("edge-auth"));
        Files.writeString(credentials.resolve("edge-auth/key"), "too short\n");
        assertThatThrownBy(keys::load).hasMessageContaining("edge-auth/key has 9 bytes; an HMAC-SHA256 key needs at least 32")
                .hasMessageNotContaining("too short");
        Files.writeString(credentials.resolve("edge-auth/key"), "q6J0hWq8r3p1x0yDkU5mS2n4T7vB9cZaE3fGhJkL0mN=\n");
        assertThat(keys.load().previous()).isNull();
        Files.writeString(credentials.resolve("edge-auth/previousKey"), "oldoldoldoldoldoldoldoldoldoldoldold\n");
        assertThat(keys.load().previous()).isNotNull();
        assertThat(keys.load().describe()).startsWith("key ").contains("previous key ").doesNotContain("q6J0");
    }

    @Test
    void anUnreadableFileIsNamed() {
        assertThatThrownBy(() -> StandaloneResources.load(tmp.resolve("absent.yaml"), null))
                .hasMessageContaining("cannot read").hasMessageContaining("absent.yaml");
    }
}
