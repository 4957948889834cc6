package dev.tandem.cli;

import dev.tandem.agent.hostbond.HostBondFile;
import dev.tandem.agent.hostbond.NetworkdFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tandem bond ...}: HostBonds outside the agent. Runs on plain Java, like the agent (see {@link Main}). */
@Command(name = "bond", mixinStandardHelpOptions = true, subcommands = BondCommand.Render.class,
        description = "HostBond tools. render: the equivalent systemd-networkd files, for hosts whose network the OS"
                + " manages.")
public class BondCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("tandem bond: say what to do: render (see tandem bond --help)");
        return AgentCommand.CONFIG;
    }

    /** Runs {@code bond ARGS} without the Quarkus runtime; returns the exit status. */
    static int runWithoutQuarkus(String... args) {
        return new CommandLine(new BondCommand()).execute(args);
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Writes a HostBond as systemd-networkd .netdev/.network files (seed 000's bond and"
                    + " standard methods): to standard output, or into --output DIR.")
    static class Render implements Callable<Integer> {
        @Option(names = "--format", required = true, paramLabel = "FORMAT",
                description = "The output format; networkd is the one there is.")
        String format;

        @Option(names = "--name", paramLabel = "NAME", description = "The HostBond to render (needed when FILE has"
                + " several).")
        String name;

        @Option(names = "--output", paramLabel = "DIR", description = "Write the files into this directory (e.g."
                + " /etc/systemd/network) instead of printing them.")
        Path output;

        @Parameters(paramLabel = "FILE", description = "A YAML file with the HostBond.")
        Path file;

        @Override
        public Integer call() {
            if (!"networkd".equals(format)) {
                System.err.println("tandem bond render: unknown --format " + format + "; the one format is networkd");
                return AgentCommand.CONFIG;
            }
            NetworkdFiles.Rendering rendering;
            try {
                rendering = NetworkdFiles.render(HostBondFile.load(file, name));
            } catch (IllegalArgumentException e) {
                System.err.println("tandem bond render: " + e.getMessage());
                return AgentCommand.CONFIG;
            }
            try {
                if (output != null) {
                    Files.createDirectories(output);
                }
                for (Map.Entry<String, String> f : rendering.files().entrySet()) {
                    if (output == null) {
                        System.out.println("### " + f.getKey());
                        System.out.println(f.getValue());
                    } else {
                        Path target = output.resolve(f.getKey());
                        Files.writeString(target, f.getValue());
                        System.out.println("wrote " + target);
                    }
                }
            } catch (IOException e) {
                System.err.println("tandem bond render: cannot write into " + output + ": " + e.getMessage());
                return 1;
            }
            rendering.warnings().forEach(w -> System.err.println("tandem bond render: note: " + w));
            return 0;
        }
    }
}
