package dev.tandem.agent.health;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program without a shell; exit status 0 is healthy (keepalived's vrrp_script, e.g. `pidof haproxy`). */
public final class ExecProbe implements HealthProbe {
    private final List<String> command;

    public ExecProbe(List<String> command) {
        this.command = List.copyOf(command);
    }

    @Override
    public Result run(Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return Result.failed("cannot run " + command.getFirst() + ": " + e.getMessage());
        }
        try {
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return Result.failed(command.getFirst() + " did not finish within " + timeout.toMillis() + " ms");
            }
            return p.exitValue() == 0 ? Result.ok() : Result.failed(command.getFirst() + " exited with " + p.exitValue());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return Result.failed("interrupted");
        }
    }
}
