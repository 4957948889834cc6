package dev.tandem.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The lab's network, all of it inside network namespaces of its own: a "switch" namespace with a bridge, one namespace
 * per node and one for the client, each joined to the bridge by a veth pair. The host's own namespace gets no
 * interface, address or route: the embedded API server reaches the nodes through a relay that listens on the
 * bridge's address inside the switch namespace ({@link NamespaceRelay}).
 *
 * <p>Every lab writes what it created under {@value #STATE_ROOT}/ID (its pid and its namespaces), so that a lab whose
 * process was killed outright is cleaned up by the next one ({@link #removeAbandoned}).
 */
final class LabNetwork implements AutoCloseable {
    static final String STATE_ROOT = "/run/tandem-lab";
    static final String BRIDGE = "br0";
    private static final Pattern SIMPLE_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,39}");

    final String id;
    final Path stateDir;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private boolean closed;

    /** A node or the client: its namespace, its interface there and the bridge port on the switch's side. */
    record Host(String name, String namespace, String interfaceName, String port, String address) {
    }

    private LabNetwork(String id) {
        this.id = id;
        this.stateDir = Path.of(STATE_ROOT, id);
    }

    /** A new, empty lab: the switch namespace with its bridge, and the bridge's own address for the API relay. */
    static LabNetwork create(String bridgeAddress, int prefixLength) {
        String id = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
        LabNetwork net = new LabNetwork(id);
        try {
            Files.createDirectories(net.stateDir);
            Files.writeString(net.stateDir.resolve("owner"), Long.toString(ProcessHandle.current().pid()));
            net.addNamespace(net.switchNamespace());
            String sw = net.switchNamespace();
            Shell.ip("-n", sw, "link", "set", "lo", "up");
            Shell.ip("-n", sw, "link", "add", BRIDGE, "type", "bridge");
            Shell.ip("-n", sw, "addr", "add", bridgeAddress + "/" + prefixLength, "dev", BRIDGE);
            Shell.ip("-n", sw, "link", "set", BRIDGE, "up");
            return net;
        } catch (IOException e) {
            net.close();
            throw new LabException("cannot write the lab's state under " + STATE_ROOT + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    String switchNamespace() {
        return "tlab" + id + "-switch";
    }

    /** Adds a host (node or client) on the bridge with {@code address/prefixLength} on {@code interfaceName}. */
    Host addHost(String name, String interfaceName, String address, int prefixLength) {
        String ns = "tlab" + id + "-" + (SIMPLE_NAME.matcher(name).matches() ? name : "host" + hosts.size());
        String port = "p" + id + "h" + hosts.size();
        addNamespace(ns);
        String sw = switchNamespace();
        Shell.ip("-n", sw, "link", "add", port, "type", "veth", "peer", "name", interfaceName, "netns", ns);
        Shell.ip("-n", sw, "link", "set", port, "master", BRIDGE);
        Shell.ip("-n", sw, "link", "set", port, "up");
        Shell.ip("-n", ns, "link", "set", "lo", "up");
        Shell.ip("-n", ns, "addr", "add", address + "/" + prefixLength, "dev", interfaceName);
        Shell.ip("-n", ns, "link", "set", interfaceName, "up");
        Host host = new Host(name, ns, interfaceName, port, address);
        hosts.put(name, host);
        return host;
    }

    Host host(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host " + name + " in this lab");
        }
        return h;
    }

    /** Cuts the host's cable at the switch: its interface loses its carrier, as when a cable or switch port fails. */
    void cut(String name) {
        Shell.ip("-n", switchNamespace(), "link", "set", host(name).port(), "down");
    }

    void heal(String name) {
        Shell.ip("-n", switchNamespace(), "link", "set", host(name).port(), "up");
    }

    /** The command that cuts a host's link, for a user who wants to try it by hand. */
    String cutCommand(String name) {
        return "ip -n " + switchNamespace() + " link set " + host(name).port() + " down";
    }

    String healCommand(String name) {
        return "ip -n " + switchNamespace() + " link set " + host(name).port() + " up";
    }

    Path namespaceFile(String name) {
        return Path.of("/var/run/netns", host(name).namespace());
    }

    private void addNamespace(String ns) {
        // Recorded first, so that a namespace half made is removed too.
        namespaces.add(ns);
        try {
            Files.write(stateDir.resolve("namespaces"), namespaces);
        } catch (IOException e) {
            throw new LabException("cannot write the lab's state under " + stateDir + ": " + e.getMessage(), e);
        }
        Shell.ip("netns", "add", ns);
    }

    /** Kills whatever still runs in the lab's namespaces, deletes them and the state directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeNamespaces(namespaces);
        deleteQuietly(stateDir);
    }

    /**
     * Removes what labs whose process is gone left behind (a lab killed with SIGKILL cannot clean up): their processes,
     * their namespaces, their state. Returns the ids of the labs it removed.
     */
    static List<String> removeAbandoned() {
        Path root = Path.of(STATE_ROOT);
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return removed;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                if (ownerAlive(dir)) {
                    continue;
                }
                Path list = dir.resolve("namespaces");
                List<String> names = Files.isRegularFile(list) ? Files.readAllLines(list) : List.of();
                removeNamespaces(names);
                deleteQuietly(dir);
                removed.add(dir.getFileName().toString());
            }
        } catch (IOException e) {
            throw new LabException("cannot look for abandoned labs under " + STATE_ROOT + ": " + e.getMessage(), e);
        }
        return removed;
    }

    private static boolean ownerAlive(Path dir) {
        try {
            long pid = Long.parseLong(Files.readString(dir.resolve("owner")).strip());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static void removeNamespaces(List<String> names) {
        // Processes first (they would keep a namespace alive after its name is gone), then the namespaces; deleting a
        // node's namespace deletes its veth, and with it the bridge port.
        for (String ns : names.reversed()) {
            if (!Files.exists(Path.of("/var/run/netns", ns))) {
                continue;
            }
            for (String pid : Shell.run(List.of("ip", "netns", "pids", ns)).output().trim().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    Shell.run(List.of("kill", "-9", pid));
                }
            }
            Shell.run(List.of("ip", "netns", "del", ns));
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a state directory left behind is removed by the next lab
        }
    }
}
