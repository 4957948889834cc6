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
        Quarkus.run(Main.class, args);
    }

    @Override
    public int run(String... args) {
        return new CommandLine(TandemCommand.class, factory).execute(args);
    }
}
