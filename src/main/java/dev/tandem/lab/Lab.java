package dev.tandem.lab;

import dev.tandem.api.v1alpha1.FailoverPair;
import dev.tandem.api.v1alpha1.FloatingIp;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * {@code tandem lab}: a whole failover on this machine. It builds an embedded Kubernetes API with tandem's CRDs, runs
 * the operator against it, plays each member node of a sample's FailoverPair with a network namespace on a bridge
 * (a Node object with its InternalIP, and the agent as a process, as the election DaemonSet would run it) and a client
 * that pings the floating IP; then, round after round, it cuts the active member's link, measures how long the client
 * went without replies, shows the transitions in order and heals the link. Everything it made is removed when it
 * ends, on Ctrl-C and after a failure.
 */
public final class Lab implements AutoCloseable {
    private static final int STEPS = 8;
    static final int METRICS_PORT_BASE = 9560;

    /** The operator of this process, started against the embedded API server (the cli passes the Quarkus one). */
    public interface Operator {
        /** Starts the controllers with a client configured by {@code kubeconfig}. */
        void start(Path kubeconfig);

        void stop();
    }

    public record Options(String sample, int rounds, boolean keep, boolean plain) {
    }

    /** Tells the lab when its process is asked to stop (Ctrl-C), so it stops where it is and tears down. */
    public interface StopRequests {
        void onRequest(Runnable stop);
    }

    private final Options options;
    private final Operator operator;
    private final LabConsole console;
    private final String java;
    private final Path jar;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private LabSample sample;
    private LabNetwork network;
    private EmbeddedApiServer api;
    private boolean operatorStarted;
    private final HealthStandIns standIns = new HealthStandIns();
    private final List<AgentProcess> agents = new ArrayList<>();
    private PingClient ping;
    private LiveView view;
    private boolean closed;
    private volatile Thread running;

    private Lab(Options options, Operator operator, LabConsole console, String java, Path jar) {
        this.options = options;
        this.operator = operator;
        this.console = console;
        this.java = java;
        this.jar = jar;
    }

    /** Runs the lab to its end; returns the exit status. Tears everything down, whatever happens. */
    public static int run(Options options, Operator operator, StopRequests stopRequests) {
        LabConsole console = LabConsole.forStandardOutput(options.plain());
        Lab lab;
        try {
            LabSample sample = LabSample.load(options.sample());
            LabPreflight.Host host = LabPreflight.check();
            lab = new Lab(options, operator, console, host.java(), host.jar());
            lab.sample = sample;
        } catch (LabException e) {
            System.err.println("tandem lab: " + e.getMessage());
            return 78;
        }
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            lab.stopRequested.countDown();
            lab.close();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        lab.running = Thread.currentThread();
        stopRequests.onRequest(lab::requestStop);
        try {
            return lab.runRounds();
        } catch (LabException e) {
            console.clearLive();
            if (lab.stopRequested.getCount() == 0) {
                console.println("stopping: asked to");
                return 130;
            }
            System.err.println("tandem lab: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            console.clearLive();
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            System.err.println("tandem lab: failed: " + e.getMessage() + (root == e ? "" : " (" + root + ")"));
            return 1;
        } finally {
            lab.running = null;
            Thread.interrupted();
            lab.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran
            }
        }
    }

    /** Ctrl-C: the waits end at once (the running thread is interrupted), then everything is torn down. */
    void requestStop() {
        stopRequested.countDown();
        Thread t = running;
        if (t != null) {
            t.interrupt();
        }
    }

    private int runRounds() {
        Instant start = Instant.now();
        build();
        console.println(String.format("lab ready in %.1f s: %s", Duration.between(start, Instant.now()).toMillis() / 1000.0,
                describeLab()));
        sample.notes().forEach(n -> console.println("note: " + n));
        List<FailoverRound.Result> results = new ArrayList<>();
        FailoverRound round = new FailoverRound(console, network, api.client(), sample, agents, ping, view);
        for (int r = 1; r <= options.rounds(); r++) {
            results.add(round.run(r, options.rounds()));
            if (stopRequested.getCount() == 0) {
                return 130;
            }
        }
        if (!results.isEmpty()) {
            round.awaitSettled("after the last round");
            console.println("");
            console.println(summary(results));
        }
        if (options.keep()) {
            view.note("");
            pokeHints().forEach(console::println);
            view.note("Ctrl-C stops the lab and removes everything it made");
            try {
                stopRequested.await();
            } catch (InterruptedException e) {
                // asked to stop
            }
        }
        return stopRequested.getCount() == 0 && !options.keep() ? 130 : 0;
    }

    private void build() {
        console.progress(1, STEPS, "removing what earlier labs left behind");
        List<String> abandoned = LabNetwork.removeAbandoned();
        if (!abandoned.isEmpty()) {
            console.println("removed the namespaces of " + abandoned.size() + " abandoned lab(s): " + abandoned);
        }

        console.progress(2, STEPS, "building the network: a switch, " + sample.members().size() + " nodes and a client ("
                + sample.source() + ")");
        network = LabNetwork.create(sample.bridgeAddress(), LabSample.PREFIX);
        for (LabSample.Member m : sample.members().values()) {
            network.addHost(m.node(), m.interfaceName(), m.address(), LabSample.PREFIX);
        }
        network.addHost("client", "eth0", sample.clientAddress(), LabSample.PREFIX);

        console.progress(3, STEPS, "starting the embedded Kubernetes API (Fabric8 mock server, CRUD mode)");
        api = EmbeddedApiServer.start();
        api.relayInto(Path.of("/var/run/netns", network.switchNamespace()), sample.bridgeAddress());
        api.installCrds();
        Path hostKubeconfig = network.stateDir.resolve("kubeconfig");
        Path nodeKubeconfig = network.stateDir.resolve("kubeconfig-nodes");
        EmbeddedApiServer.writeKubeconfig(hostKubeconfig, api.url());
        EmbeddedApiServer.writeKubeconfig(nodeKubeconfig, api.nodeUrl());

        console.progress(4, STEPS, "starting the operator against it");
        operator.start(hostKubeconfig);
        operatorStarted = true;

        console.progress(5, STEPS, "applying " + sample.source() + ": Namespace " + sample.namespace() + ", "
                + sample.members().size() + " Nodes, FailoverPair " + sample.pairName() + ", "
                + sample.floatingIps().size() + " FloatingIp(s)");
        apply();

        console.progress(6, STEPS, "waiting for the operator to resolve the members' addresses and the router id");
        FailoverPair resolved = FailoverRound.awaitValue(Duration.ofSeconds(30), this::resolvedPair)
                .orElseThrow(() -> new LabException("the operator did not resolve FailoverPair " + sample.namespace() + "/"
                        + sample.pairName() + " within 30 s: " + readiness()));
        int routerId = resolved.getStatus().virtualRouterId;

        console.progress(7, STEPS, "starting " + sample.members().size() + " agents in their namespaces and the client");
        for (LabSample.Member m : sample.members().values()) {
            for (LabSample.LocalService s : sample.localServices()) {
                standIns.serve(network.namespaceFile(m.node()), s);
            }
        }
        startAgents(nodeKubeconfig, METRICS_PORT_BASE + routerId);
        ping = PingClient.start(network.host("client").namespace(), sample.vip(), LabPreflight.hasSetsid());
        view = new LiveView(console, api.client(), sample, agents, ping);

        console.progress(8, STEPS, "waiting for every member to join the election and the client's first replies");
        boolean elected = FailoverRound.await(Duration.ofSeconds(90), () -> {
            FailoverPair p = view.pair();
            return p != null && p.getStatus() != null && p.getStatus().activeMember != null
                    && agents.stream().allMatch(a -> List.of("MASTER", "BACKUP").contains(a.state()))
                    && ping.repliesPerSecond(Instant.now()) > 0;
        });
        if (!elected) {
            agents.stream().filter(a -> !a.alive()).findFirst().ifPresent(a -> {
                throw new LabException("the agent of " + a.node() + " stopped: " + String.join("\n  ", a.recentLines()));
            });
            throw new LabException("no member became active within 90 s: " + readiness() + "; agents: "
                    + agents.stream().map(a -> a.node() + " " + a.state()).toList());
        }
    }

    private void apply() {
        KubernetesClient client = api.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(sample.namespace())
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build()).create();
        for (LabSample.Member m : sample.members().values()) {
            client.nodes().resource(new NodeBuilder()
                    .withNewMetadata().withName(m.node()).addToLabels("kubernetes.io/hostname", m.node())
                        .addToLabels("tandem.dev/lab", network.id).endMetadata()
                    .withNewStatus()
                        .addNewAddress().withType("InternalIP").withAddress(m.address()).endAddress()
                        .addNewAddress().withType("Hostname").withAddress(m.node()).endAddress()
                        .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady").endCondition()
                    .endStatus().build()).create();
        }
        FailoverPair pair = sample.pair();
        pair.getMetadata().setNamespace(sample.namespace());
        client.resource(pair).create();
        for (FloatingIp f : sample.floatingIps()) {
            f.getMetadata().setNamespace(sample.namespace());
            client.resource(f).create();
        }
    }

    private Optional<FailoverPair> resolvedPair() {
        FailoverPair p = api.client().resources(FailoverPair.class).inNamespace(sample.namespace())
                .withName(sample.pairName()).get();
        boolean resolved = p != null && p.getStatus() != null && p.getStatus().virtualRouterId != null
                && p.getStatus().memberAddresses != null
                && p.getStatus().memberAddresses.keySet().containsAll(sample.members().keySet());
        return resolved ? Optional.of(p) : Optional.empty();
    }

    private String readiness() {
        FailoverPair p = api.client().resources(FailoverPair.class).inNamespace(sample.namespace())
                .withName(sample.pairName()).get();
        if (p == null || p.getStatus() == null || p.getStatus().conditions == null) {
            return "the pair has no status yet";
        }
        return p.getStatus().conditions.stream().map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason()
                + ": " + c.getMessage()).reduce((a, b) -> a + "; " + b).orElse("no conditions");
    }

    private void startAgents(Path kubeconfig, int metricsPort) {
        for (LabSample.Member m : sample.members().values()) {
            agents.add(AgentProcess.start(java, jar, network.host(m.node()).namespace(), sample, m.node(), kubeconfig,
                    metricsPort, network.stateDir.resolve(m.node() + ".log"), LabPreflight.hasSetsid()));
        }
    }

    private String describeLab() {
        FailoverPair p = view.pair();
        String active = p == null || p.getStatus() == null ? "none" : p.getStatus().activeMember;
        return "FailoverPair " + sample.namespace() + "/" + sample.pairName() + " of " + sample.members().size()
                + " members, router id " + (p == null || p.getStatus() == null ? "-" : p.getStatus().virtualRouterId)
                + "; " + active + " is MASTER and holds " + sample.vip() + "; the client pings it every "
                + PingClient.INTERVAL.toMillis() + " ms";
    }

    private static String summary(List<FailoverRound.Result> results) {
        List<Long> gaps = results.stream().map(r -> r.gap().toMillis()).sorted().toList();
        List<Long> takeovers = results.stream().map(FailoverRound.Result::takeoverMillis).filter(Objects::nonNull)
                .sorted().toList();
        return String.format("%d round(s): the client lost replies for %s ms (median %d, worst %d);"
                        + " the successor took over %s ms after the last advert it heard",
                results.size(), results.stream().map(r -> Long.toString(r.gap().toMillis())).toList(),
                gaps.get(gaps.size() / 2), gaps.getLast(),
                takeovers.isEmpty() ? "?" : takeovers.toString());
    }

    private List<String> pokeHints() {
        String kubeconfig = network.stateDir.resolve("kubeconfig").toString();
        String first = sample.members().keySet().iterator().next();
        AgentProcess firstAgent = agents.getFirst();
        int agentPort = firstAgent.metricsPort();
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("The lab keeps running. To look at it, in another terminal (as root):");
        String kubectl = "  kubectl --kubeconfig " + kubeconfig + " -n " + sample.namespace();
        lines.add(kubectl + " get failoverpair " + sample.pairName() + " -o yaml     # status.members, status.history");
        lines.add(kubectl + " get floatingips -o custom-columns=NAME:.metadata.name,ADDRESS:.spec.address,"
                + "HOLDER:.status.holderNode,PHASE:.status.phase");
        lines.add(kubectl + " get events --sort-by=.lastTimestamp -o custom-columns=TYPE:.type,REASON:.reason,"
                + "OBJECT:.involvedObject.name,FROM:.source.host,MESSAGE:.message");
        lines.add("  curl -s " + operatorMetricsUrl() + " | grep '^tandem_'     # the operator's metrics");
        lines.add("  ip netns exec " + network.host(first).namespace() + " curl -s http://127.0.0.1:" + agentPort
                + "/q/metrics | grep '^tandem_'     # " + first + "'s agent");
        lines.add("  ip netns exec " + network.host("client").namespace() + " ping " + sample.vip());
        lines.add("  " + network.cutCommand(first) + "     # cut " + first + "'s link; `up` heals it");
        lines.add("  tail -f " + firstAgent.log() + "     # " + first + "'s agent log");
        return lines;
    }

    private static String operatorMetricsUrl() {
        String port = System.getProperty("quarkus.http.port", "8080");
        String host = System.getProperty("quarkus.http.host", "127.0.0.1");
        return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port + "/q/metrics";
    }

    /** Everything down, in order: the view and the client, the agents (gracefully), the operator, the API, the network. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (view != null) {
            view.close();
        }
        if (ping != null) {
            ping.close();
        }
        try (var stopping = Executors.newVirtualThreadPerTaskExecutor()) {
            agents.forEach(a -> stopping.submit(a::close));
        }
        standIns.close();
        if (operatorStarted) {
            try {
                operator.stop();
            } catch (RuntimeException e) {
                System.err.println("tandem lab: stopping the operator: " + e.getMessage());
            }
        }
        if (api != null) {
            api.close();
        }
        if (network != null) {
            network.close();
            console.println("removed the lab's namespaces, processes and files");
        }
    }
}
