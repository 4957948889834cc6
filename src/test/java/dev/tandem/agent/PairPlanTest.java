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
    void aStandaloneAgentRefusesAUdpPairRatherThanRunItUnauthenticated() throws IOException {
        Path f = tmp.resolve("udp.yaml");
        Files.writeString(f, Files.readString(FILE).replace("  advertInterval: 50ms\n", "  advertInterval: 50ms\n  transport: {type: udp}\n"));
        assertThatThrownBy(() -> StandaloneAgent.start(f, "lb-1", null, null, List.of(), Path.of("/nonexistent")))
                .isInstanceOf(PairPlan.PlanException.class)
                .hasMessageContaining("uses transport udp, which this build's agent does not have yet");
    }

    @Test
    void anUnreadableFileIsNamed() {
        assertThatThrownBy(() -> StandaloneResources.load(tmp.resolve("absent.yaml"), null))
                .hasMessageContaining("cannot read").hasMessageContaining("absent.yaml");
    }
}
