package dev.tandem.agent;

import dev.tandem.agent.election.AgentNode;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two members that both believe they are MASTER, in network namespaces: the members lose each other while clients
 * still reach both (a partition between the members only, or loss in one direction). When they hear each other again
 * they must be back to one master within about one advert interval, the loser must let go of the address, and the
 * clients must be moved back to the winner by a new announcement.
 */
class SplitBrainInNamespacesTest {
    static final long INTERVAL_MS = 50;
    LabAgents agents;
    LabNet lab;

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNamespaces() {
        LabNet.assumeAvailable("SplitBrainInNamespacesTest");
    }

    @AfterEach
    void tearDown() {
        if (agents != null) {
            agents.close();
        }
    }

    String vip() {
        return lab.subnet + "100";
    }

    AgentNode[] startPair(int subnet) throws Exception {
        lab = LabNet.create(subnet, "lb1", "lb2", "client");
        agents = new LabAgents(lab);
        Path file = tmp.resolve("web.yaml");
        Files.writeString(file, lab.webPair(67, "eth0", ""));
        AgentNode lb1 = agents.start("lb1", file);
        agents.awaitState(lb1, RouterState.MASTER);
        AgentNode lb2 = agents.start("lb2", file);
        agents.awaitState(lb2, RouterState.BACKUP);
        awaitClientOn("lb1");
        return new AgentNode[] {lb1, lb2};
    }

    void awaitClientOn(String node) {
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            assertThat(lab.ping("client", vip())).as("client pings %s", vip()).isTrue();
            assertThat(lab.neighbour("client", vip())).as("client's ARP entry for %s, events %s", vip(), agents.events)
                    .isEqualTo(lab.mac(node));
        });
    }

    /** Polls every 2 ms until the member is BACKUP; returns how long that took. */
    static long millisUntilBackup(AgentNode n) {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(2))
                .until(() -> n.loop().state() == RouterState.BACKUP);
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void afterAPartitionBetweenTheMembersOnlyTheyConvergeToOneMasterAndClientsFollowIt() throws Exception {
        AgentNode[] pair = startPair(101);
        AgentNode lb1 = pair[0];
        AgentNode lb2 = pair[1];
        // Several rounds: which advert crosses first after the heal is a matter of timing, and both orders must work.
        for (int round = 1; round <= 3; round++) {
            lab.isolate("lb1", true);
            lab.isolate("lb2", true);
            agents.awaitState(lb2, RouterState.MASTER);
            assertThat(lb1.loop().state()).isEqualTo(RouterState.MASTER);
            // Both answer for the address; the client follows the last announcement, lb2's.
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(lab.holders(vip() + "/32")).containsExactlyInAnyOrder("lb1", "lb2"));
            awaitClientOn("lb2");

            lab.isolate("lb1", false);
            lab.isolate("lb2", false);
            long took = millisUntilBackup(lb2);
            System.out.printf("split brain round %d: one master %d ms after the heal (adverts every %d ms)%n", round,
                    took, INTERVAL_MS);
            assertThat(took).as("round %d: within about one advert interval of hearing each other", round)
                    .isLessThan(INTERVAL_MS + 250);
            assertThat(agents.transitions("lb2")).last().isEqualTo("BACKUP:" + Reason.HIGHER_PRIORITY_ADVERT);
            assertThat(lb1.loop().state()).isEqualTo(RouterState.MASTER);
            await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(lab.holders(vip() + "/32")).containsExactly("lb1"));
            // The winner announced again on hearing its rival, so the client is back without waiting for ARP to age.
            awaitClientOn("lb1");
        }
        assertThat(agents.transitions("lb1")).as("lb1 never stepped down").containsExactly("BACKUP:STARTUP",
                "MASTER:" + Reason.MASTER_DOWN);
    }

    @Test
    void withLossInOneDirectionTheHigherMasterKeepsTheClientsAndOneMasterRemainsOnceItEnds() throws Exception {
        AgentNode[] pair = startPair(102);
        AgentNode lb1 = pair[0];
        AgentNode lb2 = pair[1];
        double announcedBefore = agents.counter("lb1", "tandem.agent.announcements");

        // lb2 no longer hears lb1; lb1 still hears lb2.
        lab.dropFrom("lb2", lab.address("lb1"));
        agents.awaitState(lb2, RouterState.MASTER);
        // lb1 hears a lower-priority master: it stays MASTER, tells it so, and announces again so clients stay with it.
        await().atMost(Duration.ofSeconds(2)).until(() -> agents.counter("lb1", "tandem.agent.announcements") > announcedBefore);
        awaitClientOn("lb1");
        for (int i = 0; i < 5; i++) {
            Thread.sleep(200);
            assertThat(lab.neighbour("client", vip())).as("the client stays with lb1 while lb2 cannot hear it")
                    .isEqualTo(lab.mac("lb1"));
            assertThat(lb1.loop().state()).isEqualTo(RouterState.MASTER);
        }

        lab.stopDropping("lb2");
        long took = millisUntilBackup(lb2);
        System.out.printf("one-way loss: one master %d ms after the loss ended%n", took);
        assertThat(took).isLessThan(INTERVAL_MS + 250);
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(lab.holders(vip() + "/32")).containsExactly("lb1"));
        awaitClientOn("lb1");
        assertThat(agents.transitions("lb1")).containsExactly("BACKUP:STARTUP", "MASTER:" + Reason.MASTER_DOWN);
    }

    @Test
    void withLossInTheOtherDirectionNothingChanges() throws Exception {
        AgentNode[] pair = startPair(103);
        AgentNode lb1 = pair[0];
        AgentNode lb2 = pair[1];
        // lb1 no longer hears lb2, which is a silent backup anyway.
        lab.dropFrom("lb1", lab.address("lb2"));
        Thread.sleep(1000);
        assertThat(lb1.loop().state()).isEqualTo(RouterState.MASTER);
        assertThat(lb2.loop().state()).isEqualTo(RouterState.BACKUP);
        assertThat(agents.transitions("lb2")).containsExactly("BACKUP:STARTUP");
        assertThat(lab.holders(vip() + "/32")).containsExactly("lb1");
    }
}
