package dev.tandem.net;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network namespace for tests: created with {@code ip netns add t<random>}, deleted on {@link #close()}
 * (and by a shutdown hook for any a failed test left), with {@link #call} to run code inside it.
 */
final class NetNs implements AutoCloseable {
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(NetNs::delete)));
    }

    private final String name;

    private NetNs(String name) {
        this.name = name;
    }

    /** Skips the calling test, saying why on standard output too, when namespaces cannot be made here. */
    static void assumeAvailable() {
        String reason = unavailableReason();
        if (reason != null) {
            System.out.println("SKIPPED network namespace test: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    static String unavailableReason() {
        if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
            return "network namespaces need Linux, this is " + System.getProperty("os.name");
        }
        if (!System.getProperty("user.name").equals("root")
                && !Capabilities.ofThisProcess().has(21 /* CAP_SYS_ADMIN */)) {
            return "creating network namespaces needs root (CAP_SYS_ADMIN)";
        }
        if (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")) || Files.isExecutable(Path.of("/bin/ip"))) {
            return null;
        }
        return "the ip command (iproute2) is not installed";
    }

    static NetNs create() {
        String name = "t" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        run("ip", "netns", "add", name);
        LIVE.add(name);
        NetNs ns = new NetNs(name);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /** A veth pair with one end in each namespace, both up. Created inside them, never in the host's. */
    static void veth(NetNs a, String nameA, NetNs b, String nameB) {
        run("ip", "-n", a.name, "link", "add", nameA, "type", "veth", "peer", "name", nameB, "netns", b.name);
        a.ip("link", "set", nameA, "up");
        b.ip("link", "set", nameB, "up");
    }

    String name() {
        return name;
    }

    /** Runs {@code ip -n NAME args...} and returns its output; fails the test with the output when it fails. */
    String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    /** Sets a sysctl inside the namespace. */
    void sysctl(String key, String value) {
        run("ip", "netns", "exec", name, "sysctl", "-qw", key + "=" + value);
    }

    /** Calls {@code task} on a thread inside the namespace; sockets it opens stay there. */
    <T> T call(Callable<T> task) throws Exception {
        return NetworkNamespace.call(NetworkNamespace.named(name), task);
    }

    /** The MAC address of an interface, from {@code ip link}. */
    byte[] mac(String interfaceName) {
        String output = ip("-o", "link", "show", interfaceName);
        int at = output.indexOf("link/ether ");
        if (at < 0) {
            throw new AssertionError("no link/ether in: " + output);
        }
        return HexFormat.ofDelimiter(":").parseHex(output.substring(at + 11, at + 28));
    }

    @Override
    public void close() {
        if (LIVE.remove(name)) {
            delete(name);
        }
    }

    private static void delete(String name) {
        try {
            run("ip", "netns", "delete", name);
        } catch (AssertionError e) {
            System.err.println("could not delete network namespace " + name + ": " + e.getMessage());
        }
    }

    static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (exit " + process.exitValue() + "): "
                        + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }
}
