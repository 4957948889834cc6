package dev.tandem.agent;

import dev.tandem.lab.Shell;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small lab of network namespaces for tests: a "switch" namespace with a bridge, and one namespace per node joined
 * to it by a veth pair (eth0 inside the node), with addresses from 10.99.0.0/16 that exist only inside these
 * namespaces. Everything is removed on close, processes inside first.
 */
final class LabNet implements AutoCloseable {
    final String id = Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xE000));
    final String subnet;
    private final Map<String, String> nodes = new LinkedHashMap<>();
    private final Map<String, String> nodes6 = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();

    private LabNet(int subnetIndex) {
        this.subnet = "10.99." + subnetIndex + ".";
    }

    /** Why the lab cannot run here, or null when it can. */
    static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (running as " + System.getProperty("user.name") + ")";
        }
        try {
            Process p = new ProcessBuilder("ip", "-V").redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "`ip -V` failed: iproute2 is needed";
            }
        } catch (IOException | InterruptedException e) {
            return "iproute2 (`ip`) is not installed: " + e.getMessage();
        }
        return null;
    }

    /** Skips the calling test class when the lab cannot run here, and says why in the test output. */
    static void assumeAvailable(String testClass) {
        String why = unavailableReason();
        if (why != null) {
            System.out.println(testClass + " skipped: " + why);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, why);
    }

    /** Skips the calling test class unless both the lab and keepalived can run here, and says why in the output. */
    static void assumeKeepalivedAvailable(String testClass) {
        String why = unavailableReason();
        if (why == null) {
            why = keepalivedUnavailableReason();
        }
        if (why != null) {
            System.out.println(testClass + " skipped: " + why);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, testClass + " skipped: " + why);
    }

    /** Creates the switch and the nodes; node i gets the address subnet.(i+1). */
    static LabNet create(int subnetIndex, String... nodeNames) {
        LabNet lab = new LabNet(subnetIndex);
        try {
            lab.ip("netns", "add", lab.ns("sw"));
            lab.ip("-n", lab.ns("sw"), "link", "add", "br0", "type", "bridge");
            lab.ip("-n", lab.ns("sw"), "link", "set", "br0", "up");
            int host = 1;
            for (String node : nodeNames) {
                lab.addNode(node, lab.subnet + host++);
            }
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    void addNode(String node, String address) {
        String ns = ns(node);
        String port = port(node);
        ip("netns", "add", ns);
        ip("-n", ns("sw"), "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip("-n", ns("sw"), "link", "set", port, "master", "br0");
        ip("-n", ns("sw"), "link", "set", port, "up");
        ip("-n", ns, "link", "set", "lo", "up");
        ip("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        // No duplicate address detection in the lab: the link-local address (the source of IPv6 multicast adverts)
        // and IPv6 member addresses are usable at once instead of after a second or two.
        exec(List.of("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0"));
        ip("-n", ns, "link", "set", "eth0", "up");
        nodes.put(node, address);
        nodes6.put(node, subnet6() + (nodes6.size() + 1));
    }

    /** This lab's IPv6 prefix, fd99:&lt;subnet&gt;::/64: node i gets ::i once {@link #enableIpv6()} ran. */
    String subnet6() {
        return "fd99:" + Integer.toHexString(Integer.parseInt(subnet.split("\\.")[2])) + "::";
    }

    /** Gives every node its IPv6 address (fd99:&lt;subnet&gt;::i/64, no DAD) beside the IPv4 one. */
    LabNet enableIpv6() {
        for (Map.Entry<String, String> n : nodes6.entrySet()) {
            ip("-n", ns(n.getKey()), "addr", "add", n.getValue() + "/64", "dev", "eth0", "nodad");
        }
        return this;
    }

    String address6(String node) {
        return nodes6.get(node);
    }

    /**
     * Partitions the members from each other while every one still reaches the others (the client): isolated bridge
     * ports talk only to ports that are not isolated. Frames of every kind, multicast included, are held back.
     */
    void isolate(String node, boolean isolated) {
        List<String> command = List.of("bridge", "-n", ns("sw"), "link", "set", "dev", port(node), "isolated",
                isolated ? "on" : "off");
        Shell.Result r = exec(command);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output());
        }
    }

    /**
     * One-way loss: the node stops receiving IP packets from {@code source} (IPv4 or IPv6) while everything it sends
     * still goes out. An ingress filter on the node's eth0 redirects them to a veth whose peer is down, which drops
     * them (this kernel has no gact drop action, but u32 and mirred).
     */
    void dropFrom(String node, String source) {
        String ns = ns(node);
        if (exec(List.of("ip", "-n", ns, "link", "show", "sink0")).exit() != 0) {
            ip("-n", ns, "link", "add", "sink0", "type", "veth", "peer", "name", "sink1");
            ip("-n", ns, "link", "set", "sink0", "up");
            tc("-n", ns, "qdisc", "add", "dev", "eth0", "ingress");
        }
        boolean v6 = source.contains(":");
        tc("-n", ns, "filter", "add", "dev", "eth0", "parent", "ffff:", "protocol", v6 ? "ipv6" : "ip", "u32",
                "match", v6 ? "ip6" : "ip", "src", source + (v6 ? "/128" : "/32"),
                "action", "mirred", "egress", "redirect", "dev", "sink0");
    }

    /** The node stops receiving IPv4 packets of this IP protocol (112: VRRP), as clouds that filter it do. */
    void dropIpProtocol(String node, int protocol) {
        String ns = ns(node);
        if (exec(List.of("ip", "-n", ns, "link", "show", "sink0")).exit() != 0) {
            ip("-n", ns, "link", "add", "sink0", "type", "veth", "peer", "name", "sink1");
            ip("-n", ns, "link", "set", "sink0", "up");
            tc("-n", ns, "qdisc", "add", "dev", "eth0", "ingress");
        }
        tc("-n", ns, "filter", "add", "dev", "eth0", "parent", "ffff:", "protocol", "ip", "u32",
                "match", "ip", "protocol", String.valueOf(protocol), "0xff",
                "action", "mirred", "egress", "redirect", "dev", "sink0");
    }

    /** Ends every {@link #dropFrom} and {@link #dropIpProtocol} of the node. */
    void stopDropping(String node) {
        tc("-n", ns(node), "qdisc", "del", "dev", "eth0", "ingress");
        ip("-n", ns(node), "link", "del", "sink0");
    }

    private void tc(String... args) {
        List<String> command = new ArrayList<>(List.of("tc"));
        command.addAll(List.of(args));
        Shell.Result r = exec(command);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output());
        }
    }

    /** Whether one ping from the node to the IPv6 address is answered within a second. */
    boolean ping6(String node, String address) {
        return exec(List.of("ip", "netns", "exec", ns(node), "ping", "-6", "-c", "1", "-W", "1", address)).exit() == 0;
    }

    /** The addresses on the node's eth0 of one family, as "fd99:1::1/64 fd99:1::100/128". */
    String addresses6(String node) {
        return ip("-n", ns(node), "-6", "-br", "addr", "show", "dev", "eth0");
    }

    /**
     * The resources of the tests' pair "web": lb1 (priority 150) at .1 and lb2 (priority 100) at .2 of this lab's
     * subnet, 50 ms adverts, and the layer-2 FloatingIp "web-vip" at .100.
     *
     * @param extraPairSpec more lines of the pair's spec (indented as its fields), or ""
     */
    String webPair(int virtualRouterId, String interfaceName, String extraPairSpec) {
        return """
                apiVersion: tandem.dev/v1alpha1
                kind: FailoverPair
                metadata: {name: web}
                spec:
                  virtualRouterId: %d
                  advertInterval: 50ms
                  interface: %s
                  members:
                    - {node: lb1, priority: 150, address: %s}
                    - {node: lb2, priority: 100, address: %s}
                %s
                ---
                apiVersion: tandem.dev/v1alpha1
                kind: FloatingIp
                metadata: {name: web-vip}
                spec:
                  address: %s
                  failoverPairRef: {name: web}
                  provider:
                    layer2: {announceCount: 3, announceInterval: 20ms}
                """.formatted(virtualRouterId, interfaceName, subnet + "1", subnet + "2",
                extraPairSpec.indent(2).stripTrailing(), subnet + "100");
    }

    String ns(String node) {
        return "tdm" + id + node;
    }

    Path nsPath(String node) {
        return Path.of("/var/run/netns", ns(node));
    }

    String address(String node) {
        return nodes.get(node);
    }

    /** Cuts the node's cable at the switch: the node's own link stays up, as when a switch port or cable fails. */
    void cut(String node) {
        ip("-n", ns("sw"), "link", "set", port(node), "down");
    }

    void heal(String node) {
        ip("-n", ns("sw"), "link", "set", port(node), "up");
    }

    /**
     * Stops or restarts the switch delivering frames whose destination it has not learnt to the node's port, and
     * learning the node's address there: right after {@link #heal}, frames to the node (e.g. a peer's unicast adverts)
     * are lost while the node's own frames still go out, as when the node's first advert crosses before its peer's.
     */
    void deafen(String node, boolean deaf) {
        String flag = deaf ? "off" : "on";
        List<String> command = List.of("bridge", "-n", ns("sw"), "link", "set", "dev", port(node), "learning", flag,
                "flood", flag);
        Shell.Result r = exec(command);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output());
        }
        if (deaf) {
            exec(List.of("bridge", "-n", ns("sw"), "fdb", "flush", "dev", port(node)));
        }
    }

    /** The addresses on the node's eth0, e.g. "10.99.7.1/24 10.99.7.100/32". */
    String addresses(String node) {
        return ip("-n", ns(node), "-br", "addr", "show", "dev", "eth0");
    }

    String mac(String node) {
        return ip("-n", ns(node), "-br", "link", "show", "dev", "eth0").trim().split("\\s+")[2];
    }

    /** Whether one ping from the node to the address is answered within a second. */
    boolean ping(String node, String address) {
        return exec(List.of("ip", "netns", "exec", ns(node), "ping", "-c", "1", "-W", "1", address)).exit() == 0;
    }

    /** The MAC the node's neighbour table (ARP or NDP) has for the address, or "" when none. */
    String neighbour(String node, String address) {
        String line = ip("-n", ns(node), "neigh", "show", address, "dev", "eth0");
        String[] f = line.trim().split("\\s+");
        for (int i = 0; i + 1 < f.length; i++) {
            if (f[i].equals("lladdr")) {
                return f[i + 1];
            }
        }
        return "";
    }

    /**
     * Starts a process inside the node's namespace with extra environment variables; it is killed on close.
     * {@code ip netns exec} execs the command, so the process's pid is the command's own (SIGTERM and SIGKILL reach it).
     */
    Process start(String node, List<String> command, Map<String, String> environment, Path log) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(node)));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(environment);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Starts a process inside the node's namespace; it is killed on close. */
    Process start(String node, List<String> command, Path log) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(node)));
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Shell.Result r = exec(command);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output());
        }
        return r.output();
    }

    /** Runs a host tool to its end (at most 30 s), stdout and stderr together. */
    static Shell.Result exec(List<String> command) {
        return Shell.run(command);
    }

    /** Why keepalived cannot be run here as a peer, or null when it can. */
    static String keepalivedUnavailableReason() {
        Shell.Result r = exec(List.of("keepalived", "--version"));
        if (r.exit() != 0 && !r.output().contains("Keepalived")) {
            return "keepalived is not installed (`keepalived --version`: " + r.output().strip() + ")";
        }
        return null;
    }

    /**
     * Starts keepalived (VRRP only, in the foreground, logging to {@code log}) in the node's namespace with its own
     * pid files under {@code dir}; it is stopped by its pid on close, before the namespaces go.
     */
    Process startKeepalived(String node, Path config, Path dir, Path log) throws IOException {
        String stem = dir.resolve("keepalived-" + node).toString();
        return start(node, List.of("keepalived", "-n", "-l", "-D", "-P", "-f", config.toString(),
                "-p", stem + ".pid", "-r", stem + "-vrrp.pid"), log);
    }

    /** Sends SIGTERM to a process started here and waits up to {@code seconds} for it to end; true when it ended. */
    static boolean terminate(Process p, int seconds) {
        p.destroy();
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The nodes whose eth0 holds {@code address} with the given prefix length, e.g. "10.99.7.100/32". */
    List<String> holders(String addressWithPrefix) {
        List<String> holders = new ArrayList<>();
        for (String node : nodes.keySet()) {
            if (List.of(addresses(node).trim().split("\\s+")).contains(addressWithPrefix)) {
                holders.add(node);
            }
        }
        return holders;
    }

    private String port(String node) {
        String p = "p" + id + node;
        return p.length() > 15 ? p.substring(0, 15) : p;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<String> all = new ArrayList<>(nodes.keySet().stream().map(this::ns).toList());
        all.add(ns("sw"));
        for (String ns : all) {
            for (String pid : exec(List.of("ip", "netns", "pids", ns)).output().trim().split("\\s+")) {
                if (!pid.isBlank()) {
                    exec(List.of("kill", "-9", pid));
                }
            }
            exec(List.of("ip", "netns", "del", ns));
        }
    }
}
