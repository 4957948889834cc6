package dev.tandem.agent;

import dev.tandem.agent.election.AgentNode;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.net.NetworkNamespace;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.RouterState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A master whose cable is cut hears nobody; the backup takes over and clients' ARP entries move to it. When the cable
 * returns, the backup steps down on the master's first advert. Had the old master stayed MASTER behind the cut, and
 * had the backup's adverts not reached it first, it would never hear a rival nor announce again, and clients would
 * keep sending to the backup, which no longer has the address: a blackhole until their ARP entries expire. The agent
 * watches the carrier instead: the cut master goes to FAULT, and on its return it wins the election anew and announces.
 */
class HealReannounceTest {
    LabNet lab;
    final List<AgentNode> nodes = new ArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsNamespaces() {
        LabNet.assumeAvailable("HealReannounceTest");
    }

    @AfterEach
    void tearDown() {
        nodes.forEach(AgentNode::close);
        if (lab != null) {
            lab.close();
        }
    }

    AgentNode start(String node, Path file) throws Exception {
        StandaloneResources r = StandaloneResources.load(file, null);
        PairPlan plan = PairPlan.of(r.pair(), r.floatingIps(), node, Map.of(), r.pair().getSpec().virtualRouterId);
        ElectionListener listener = new ElectionListener() {
            @Override
            public void transition(Action.Transition t, long takeoverMillis) {
                events.add(node + ":" + t.to() + ":" + t.reason());
            }
        };
        AgentNode n = NetworkNamespace.call(lab.nsPath(node), () -> AgentNode.open(plan, listener)).start();
        nodes.add(n);
        return n;
    }

    @Test
    void aMasterThatStayedMasterBehindACutCableAnnouncesAgainWhenTheCableReturns() throws Exception {
        lab = LabNet.create(86, "lb1", "lb2", "client");
        String vip = lab.subnet + "100";
        Path file = tmp.resolve("pair.yaml");
        Files.writeString(file, lab.webPair(64, "eth0", ""));
        AgentNode lb1 = start("lb1", file);
        AgentNode lb2 = start("lb2", file);
        await().atMost(Duration.ofSeconds(5)).until(() -> lb1.loop().state() == RouterState.MASTER
                && lb2.loop().state() == RouterState.BACKUP);
        await().atMost(Duration.ofSeconds(3)).until(() -> lab.ping("client", vip)
                && lab.neighbour("client", vip).equals(lab.mac("lb1")));

        lab.cut("lb1");
        await().atMost(Duration.ofSeconds(5)).until(() -> lb2.loop().state() == RouterState.MASTER);
        await().atMost(Duration.ofSeconds(3)).until(() -> lab.ping("client", vip)
                && lab.neighbour("client", vip).equals(lab.mac("lb2")));
        // lb1 lost its carrier: it goes to FAULT and lets go of the address rather than stay a silent MASTER.
        await().atMost(Duration.ofSeconds(2)).until(() -> lb1.loop().state() == RouterState.FAULT);
        assertThat(lab.holders(vip + "/32")).containsExactly("lb2");

        // The cable returns and lb1's first advert crosses before lb2's: lb2 steps down without lb1 hearing it.
        // lb1 knows lb2's MAC already (no ARP needed for its adverts); frames to lb1 are not delivered for now.
        lab.ip("-n", lab.ns("lb1"), "neigh", "replace", lab.address("lb2"), "lladdr", lab.mac("lb2"), "dev", "eth0",
                "nud", "permanent");
        lab.deafen("lb1", true);
        lab.heal("lb1");
        await().atMost(Duration.ofSeconds(3)).until(() -> lb2.loop().state() == RouterState.BACKUP);
        await().atMost(Duration.ofSeconds(3)).until(() -> lab.holders(vip + "/32").equals(List.of("lb1")));
        lab.deafen("lb1", false);

        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(lab.neighbour("client", vip)).as("client's ARP entry for %s, events %s", vip, events)
                    .isEqualTo(lab.mac("lb1"));
            assertThat(lab.ping("client", vip)).as("client reaches %s", vip).isTrue();
        });
    }
}
