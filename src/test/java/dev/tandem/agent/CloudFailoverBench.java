package dev.tandem.agent;

import dev.tandem.operator.children.ElectionDaemonSet;
import dev.tandem.net.NetworkNamespace;
import dev.tandem.provider.digitalocean.DigitalOceanSimulator;
import dev.tandem.provider.hetzner.HetznerSimulator;
import dev.tandem.provider.sim.HttpSimulator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The figures of {@code bench/cloud-failover}: two standalone agent processes (lb1 priority 150, lb2 priority 100,
 * 50 ms adverts, the election DaemonSet's JVM settings) in network namespaces, a reserved IP at the DigitalOcean simulator and a floating IP at the Hetzner simulator, both
 * with 1 s actions. Each round cuts lb1's cable at the switch and measures, from the cut, when lb2 became MASTER and
 * when the provider reported lb2's machine as the holder; then it heals and waits for lb1 to take the address back.
 * Not a test: a program that prints figures (run it through the script, as root).
 */
public final class CloudFailoverBench {
    static final Duration ACTION = Duration.ofSeconds(1);

    /** Answers the metadata paths of both providers with one machine's id, as each machine's own service does. */
    static final class Metadata extends HttpSimulator {
        Metadata(String id, InetSocketAddress bind) {
            super(bind);
            route("GET", "/metadata/v1/id", (r, m) -> new Response(200, Map.of("Content-Type", "text/plain"), id));
            route("GET", "/instance-id", (r, m) -> new Response(200, Map.of("Content-Type", "text/plain"), id));
        }
    }

    record Round(long masterMillis, long providerMillis) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String why = LabNet.unavailableReason();
        if (why != null) {
            System.err.println("cloud-failover: " + why);
            System.exit(2);
        }
        if (!Files.exists(JAR)) {
            System.err.println("cloud-failover: " + JAR + " is missing; build it with mvn package -DskipTests");
            System.exit(2);
        }
        System.out.printf("cloud-failover: %d rounds per provider, 1 s simulated actions, 50 ms adverts%n", rounds);
        Map<String, List<Round>> results = new java.util.LinkedHashMap<>();
        results.put("digitalocean", run("digitalocean", rounds));
        results.put("hetzner", run("hetzner", rounds));
        System.out.println();
        System.out.println("provider      cut->MASTER median/worst   cut->provider median/worst   provider - MASTER - action (target <= 300 ms)");
        for (Map.Entry<String, List<Round>> e : results.entrySet()) {
            List<Long> master = e.getValue().stream().map(Round::masterMillis).sorted().toList();
            List<Long> provider = e.getValue().stream().map(Round::providerMillis).sorted().toList();
            List<Long> over = e.getValue().stream().map(r -> r.providerMillis() - r.masterMillis() - ACTION.toMillis())
                    .sorted().toList();
            System.out.printf("%-13s %6d / %6d ms            %6d / %6d ms              median %d ms, worst %d ms%n",
                    e.getKey(), median(master), master.getLast(), median(provider), provider.getLast(), median(over),
                    over.getLast());
        }
    }

    static List<Round> run(String provider, int rounds) throws Exception {
        List<Round> out = new ArrayList<>();
        String token = "bench-token-" + provider;
        String address = provider.equals("digitalocean") ? "203.0.113.40" : "203.0.113.41";
        Path dir = Files.createTempDirectory("tandem-cloud-bench");
        Files.createDirectories(dir.resolve("creds/cloud-token"));
        Files.writeString(dir.resolve("creds/cloud-token/token"), token);
        try (LabNet lab = LabNet.create(93, "lb1", "lb2", "cloud")) {
            // The provider and each machine's metadata service listen in the "cloud" namespace, where the agents,
            // each a process in its own namespace, reach them over the lab's switch.
            InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(lab.address("cloud")), 0);
            try (Metadata m1 = NetworkNamespace.call(lab.nsPath("cloud"), () -> new Metadata("101", bind));
                 Metadata m2 = NetworkNamespace.call(lab.nsPath("cloud"), () -> new Metadata("102", bind));
                 DigitalOceanSimulator digitalOcean = NetworkNamespace.call(lab.nsPath("cloud"),
                         () -> new DigitalOceanSimulator(token, Clock.systemUTC(), bind));
                 HetznerSimulator hetzner = NetworkNamespace.call(lab.nsPath("cloud"),
                         () -> new HetznerSimulator(token, Clock.systemUTC(), bind))) {
                Supplier<Optional<Long>> holder;
                String providerYaml;
                if (provider.equals("digitalocean")) {
                    digitalOcean.droplet(101, "lb1").droplet(102, "lb2").reservedIp(address, null);
                    digitalOcean.actionDuration(ACTION);
                    holder = () -> digitalOcean.holderOf(address);
                    providerYaml = "digitalocean: {credentialsSecretRef: {name: cloud-token}, apiUrl: \""
                            + digitalOcean.url() + "\", metadataUrl: \"%s\"}";
                } else {
                    hetzner.server(101, "lb1").server(102, "lb2");
                    long id = hetzner.floatingIp(address, null);
                    hetzner.actionDuration(ACTION);
                    holder = () -> hetzner.holderOf(id);
                    providerYaml = "hetzner: {credentialsSecretRef: {name: cloud-token}, floatingIpId: " + id
                            + ", apiUrl: \"" + hetzner.apiUrl() + "\", metadataUrl: \"%s\"}";
                }
                for (String node : List.of("lb1", "lb2")) {
                    Path file = dir.resolve(node + ".yaml");
                    Files.writeString(file, lab.webPair(93, "eth0", "").replace(
                            "layer2: {announceCount: 3, announceInterval: 20ms}",
                            String.format(providerYaml, node.equals("lb1") ? m1.url() : m2.url()))
                            .replace(lab.subnet + "100", address));
                    List<String> command = new ArrayList<>(List.of(JAVA));
                    command.addAll(List.of(ElectionDaemonSet.AGENT_JVM_OPTIONS.split(" ")));
                    command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString(), "agent",
                            "--standalone", file.toString(), "--node", node, "--metrics-port", "-1",
                            "--credentials-dir", dir.resolve("creds").toString()));
                    lab.start(node, command, Map.of("MALLOC_ARENA_MAX", "2"), dir.resolve(node + ".log"));
                }
                await(() -> holder.get().orElse(0L) == 101L, Duration.ofSeconds(60), "lb1 holding " + address, dir);
                for (int i = 1; i <= rounds; i++) {
                    Thread.sleep(1_000);
                    long cutWall = System.currentTimeMillis();
                    long cut = System.nanoTime();
                    lab.cut("lb1");
                    await(() -> holder.get().orElse(0L) == 102L, Duration.ofSeconds(30), "lb2 holding " + address, dir);
                    long confirmed = System.nanoTime();
                    long master = lastMasterMillis(dir.resolve("lb2.log")) - cutWall;
                    Round r = new Round(master, (confirmed - cut) / 1_000_000);
                    out.add(r);
                    System.out.printf("  %s round %d: lb2 MASTER after %d ms, provider reports lb2 after %d ms%n",
                            provider, i, r.masterMillis(), r.providerMillis());
                    lab.heal("lb1");
                    await(() -> holder.get().orElse(0L) == 101L, Duration.ofSeconds(30), "lb1 holding it again", dir);
                }
            }
        }
        return out;
    }

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS")
            .withZone(ZoneId.systemDefault());

    /** When lb2's log last says it became MASTER, in epoch milliseconds. */
    static long lastMasterMillis(Path log) throws java.io.IOException {
        String line = Files.readAllLines(log).reversed().stream().filter(l -> l.contains("-> MASTER")).findFirst()
                .orElseThrow(() -> new IllegalStateException(log + " has no transition to MASTER"));
        return Instant.from(LOG_TIME.parse(line.substring(0, 23))).toEpochMilli();
    }

    static void await(Supplier<Boolean> condition, Duration limit, String what, Path logs)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " within " + limit.toSeconds() + " s; the agents' logs"
                        + " are in " + logs);
            }
            Thread.sleep(5);
        }
    }

    static long median(List<Long> sorted) {
        List<Long> s = new ArrayList<>(sorted);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
