package dev.tandem.agent.hostbond;

import dev.tandem.lab.Shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seed 000's host made a lab of network namespaces: a node with two uplinks, eth0 (10.97.1.2/24) and eth1
 * (10.97.2.2/24), each through a switch (a bridge namespace) to its own gateway (10.97.1.1, 10.97.2.1); both
 * gateways route to a "wan" bridge where a remote client lives (10.97.0.10), which reaches each uplink's subnet
 * through that uplink's gateway. Cutting a gateway's port at its switch leaves the node's link up: only probes
 * notice. The node starts as seed 000 left it: a default route through each uplink, both at metric 0.
 * Everything, processes first, is removed on close.
 */
final class UplinkLab implements AutoCloseable {
    static final String REMOTE = "10.97.0.10";
    final String id = Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xE000));
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** Why the lab cannot run here, or null. */
    static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (running as " + System.getProperty("user.name") + ")";
        }
        if (exec(List.of("ip", "-V")).exit() != 0) {
            return "iproute2 (`ip`) is not installed";
        }
        if (exec(List.of("ping", "-V")).exit() != 0) {
            return "ping (iputils) is not installed";
        }
        return null;
    }

    static void assumeAvailable(String testClass) {
        String why = unavailableReason();
        if (why != null) {
            System.out.println(testClass + " skipped: " + why);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, why);
    }

    static UplinkLab create() {
        UplinkLab lab = new UplinkLab();
        try {
            for (String n : List.of("node", "sw1", "sw2", "gw1", "gw2", "wan", "remote")) {
                lab.ip("netns", "add", lab.ns(n));
                lab.namespaces.add(lab.ns(n));
                lab.ip("-n", lab.ns(n), "link", "set", "lo", "up");
            }
            for (String sw : List.of("sw1", "sw2", "wan")) {
                lab.ip("-n", lab.ns(sw), "link", "add", "br0", "type", "bridge");
                lab.ip("-n", lab.ns(sw), "link", "set", "br0", "up");
            }
            lab.cable("sw1", "pnode", "node", "eth0");
            lab.cable("sw1", "pgw", "gw1", "eth0");
            lab.cable("sw2", "pnode", "node", "eth1");
            lab.cable("sw2", "pgw", "gw2", "eth0");
            lab.cable("wan", "pgw1", "gw1", "eth1");
            lab.cable("wan", "pgw2", "gw2", "eth1");
            lab.cable("wan", "premote", "remote", "eth0");
            lab.address("node", "eth0", "10.97.1.2/24");
            lab.address("node", "eth1", "10.97.2.2/24");
            lab.address("gw1", "eth0", "10.97.1.1/24");
            lab.address("gw1", "eth1", "10.97.0.1/24");
            lab.address("gw2", "eth0", "10.97.2.1/24");
            lab.address("gw2", "eth1", "10.97.0.2/24");
            lab.address("remote", "eth0", REMOTE + "/24");
            lab.ip("-n", lab.ns("remote"), "route", "add", "10.97.1.0/24", "via", "10.97.0.1");
            lab.ip("-n", lab.ns("remote"), "route", "add", "10.97.2.0/24", "via", "10.97.0.2");
            for (String gw : List.of("gw1", "gw2")) {
                lab.exec("ip", "netns", "exec", lab.ns(gw), "sysctl", "-qw", "net.ipv4.ip_forward=1");
            }
            lab.ip("-n", lab.ns("node"), "route", "add", "default", "via", "10.97.1.1", "dev", "eth0", "proto", "static");
            lab.ip("-n", lab.ns("node"), "route", "append", "default", "via", "10.97.2.1", "dev", "eth1", "proto",
                    "static");
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void cable(String sw, String port, String node, String iface) {
        ip("-n", ns(sw), "link", "add", port, "type", "veth", "peer", "name", iface, "netns", ns(node));
        ip("-n", ns(sw), "link", "set", port, "master", "br0");
        ip("-n", ns(sw), "link", "set", port, "up");
        ip("-n", ns(node), "link", "set", iface, "up");
    }

    private void address(String node, String iface, String cidr) {
        ip("-n", ns(node), "addr", "add", cidr, "dev", iface);
    }

    String ns(String node) {
        return "tdu" + id + node;
    }

    Path nsPath(String node) {
        return Path.of("/var/run/netns", ns(node));
    }

    /** The gateway's port at its switch goes down: its uplink's link stays up, its gateway is unreachable. */
    void cutGateway(int uplink) {
        ip("-n", ns("sw" + uplink), "link", "set", "pgw", "down");
    }

    void healGateway(int uplink) {
        ip("-n", ns("sw" + uplink), "link", "set", "pgw", "up");
    }

    /** The node's default routes as {@code ip route show default} prints them, one per line. */
    List<String> defaultRoutes() {
        return ip("-n", ns("node"), "route", "show", "default").lines().map(String::strip).toList();
    }

    /** The interface the node sends to the remote client through now. */
    String pathToRemote() {
        Matcher m = Pattern.compile(" dev (\\S+)").matcher(ip("-n", ns("node"), "route", "get", REMOTE));
        return m.find() ? m.group(1) : "";
    }

    /** Whether three pings from the node to the remote client are answered, each within a second. */
    boolean nodeReachesRemote() {
        return exec("ip", "netns", "exec", ns("node"), "ping", "-c", "3", "-i", "0.2", "-W", "1", REMOTE).exit() == 0;
    }

    /** Whether the remote client reaches the node's address on an uplink. */
    boolean remoteReaches(String address) {
        return exec("ip", "netns", "exec", ns("remote"), "ping", "-c", "2", "-i", "0.2", "-W", "1", address).exit() == 0;
    }

    /** Packets the gateway received from the node's side, from its counters. */
    long packetsThrough(int uplink) {
        String text = ip("-n", ns("gw" + uplink), "-s", "link", "show", "eth0");
        String[] lines = text.lines().toArray(String[]::new);
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].strip().startsWith("RX:")) {
                return Long.parseLong(lines[i + 1].strip().split("\\s+")[1]);
            }
        }
        throw new IllegalStateException("no RX counters in: " + text);
    }

    /** Pings the remote client from the node every 10 ms, with timestamps; stopped on close or by the caller. */
    Process pingRemote(Path log) throws IOException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns("node"), "ping", "-D", "-n", "-i", "0.01", "-W", "1",
                REMOTE).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    /** The times (seconds) of the replies in a {@code ping -D} log. */
    static List<Double> replies(Path log) throws IOException {
        List<Double> times = new ArrayList<>();
        Pattern reply = Pattern.compile("^\\[(\\d+\\.\\d+)] .*icmp_seq=");
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = reply.matcher(line);
            if (m.find()) {
                times.add(Double.parseDouble(m.group(1)));
            }
        }
        return times;
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

    Shell.Result exec(String... command) {
        return exec(List.of(command));
    }

    /** Runs a host tool to its end (at most 30 s), stdout and stderr together. */
    static Shell.Result exec(List<String> command) {
        return Shell.run(command);
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces) {
            for (String pid : exec(List.of("ip", "netns", "pids", ns)).output().trim().split("\\s+")) {
                if (!pid.isBlank()) {
                    exec(List.of("kill", "-9", pid));
                }
            }
            exec(List.of("ip", "netns", "del", ns));
        }
    }
}
