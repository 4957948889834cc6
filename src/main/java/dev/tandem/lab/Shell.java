package dev.tandem.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host tools the lab is built with (ip, bridge) and says what failed in words; the namespace tests run theirs
 * through it too.
 */
public final class Shell {
    private Shell() {
    }

    public record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /** Runs a command to its end (at most 30 s); the output is stdout and stderr together. */
    public static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + " (no answer within 30 s)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Runs a command that must succeed; its failure names the command and what it printed. */
    static String must(String... command) {
        Result r = run(List.of(command));
        if (!r.ok()) {
            throw new LabException(String.join(" ", command) + " failed (exit " + r.exit() + "): " + r.output().strip());
        }
        return r.output();
    }

    /** {@code ip ARGS} that must succeed. */
    static String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        return must(command.toArray(String[]::new));
    }

    /** Whether a program answers at all (e.g. {@code ping -V}). */
    static boolean available(String... probe) {
        return run(List.of(probe)).exit() >= 0;
    }
}
