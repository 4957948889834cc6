package dev.tandem.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "A whole failover on this machine, in network namespaces. Not available in this build yet.")
public class LabCommand implements Callable<Integer> {
    @Unmatched
    List<String> ignored;

    @Override
    public Integer call() {
        System.err.println("tandem lab: not available in this build: the lab needs the election agent (issues 3 and 6)."
                + " Nothing was started.");
        return AgentCommand.NOT_AVAILABLE;
    }
}
