package dev.tandem.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** The single entry point of the tandem artifact; each process role is a subcommand. */
@TopCommand
@Command(name = "tandem", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Keeps floating IP addresses alive across node, link and load-balancer failures.",
        subcommands = {OperatorCommand.class, AgentCommand.class, BondCommand.class, LabCommand.class})
public class TandemCommand {
}
