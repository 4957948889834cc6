package dev.tandem.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import picocli.CommandLine;

import java.util.Arrays;

/**
 * The entry point of the artifact. {@code agent} runs on plain Java, without starting the Quarkus runtime: it is the
 * process on every member node, and the operator's stack (dependency injection, the HTTP server, the controllers)
 * would cost it some 25 MiB of memory for nothing. Every other subcommand starts Quarkus and runs through picocli
 * with injection, except {@code bond}, a file converter that needs none of it.
 */
@QuarkusMain
public class Main implements QuarkusApplication {
    @Inject
    CommandLine.IFactory factory;

    public static void main(String... args) {
        if (args.length > 0 && "agent".equals(args[0])) {
            System.exit(AgentCommand.runWithoutQuarkus(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && "bond".equals(args[0])) {
            // A file converter: no reason to start a runtime for it.
            System.exit(BondCommand.runWithoutQuarkus(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && "lab".equals(args[0])) {
            labSettings();
        }
        Quarkus.run(Main.class, args);
    }

    /**
     * The lab's operator serves /q/metrics on loopback, on a free port unless one is configured: a lab must not fail
     * because something else has 8080, nor offer its metrics to the network.
     */
    private static void labSettings() {
        // Not the prod profile: one lab, one operator, and leader election asks the API server for a review of its
        // own permissions, which the embedded mock server does not answer.
        if (System.getProperty("quarkus.profile") == null && System.getenv("QUARKUS_PROFILE") == null) {
            System.setProperty("quarkus.profile", "lab");
        }
        // The lab's own lines and live view are what a user reads; the operator's INFO lines would scroll them away.
        if (System.getProperty("quarkus.log.level") == null && System.getenv("QUARKUS_LOG_LEVEL") == null) {
            System.setProperty("quarkus.log.level", "WARN");
        }
        // Standard output is the lab's report (a terminal view, or lines a CI log keeps); the process's own log lines
        // go to standard error.
        System.setProperty("quarkus.log.console.stderr", "true");
        if (System.getProperty("quarkus.http.host") == null && System.getenv("QUARKUS_HTTP_HOST") == null) {
            System.setProperty("quarkus.http.host", "127.0.0.1");
        }
        if (System.getProperty("quarkus.http.port") == null && System.getenv("QUARKUS_HTTP_PORT") == null) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                System.setProperty("quarkus.http.port", Integer.toString(s.getLocalPort()));
            } catch (java.io.IOException e) {
                // Quarkus then says itself that it cannot listen
            }
        }
    }

    @Override
    public int run(String... args) {
        return new CommandLine(TandemCommand.class, factory).execute(args);
    }
}
