package dev.tandem.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "The node agent (election, floating IPs, host bonds). Not available in this build yet.")
public class AgentCommand implements Callable<Integer> {
    /** Exit status of a role this build does not have (EX_UNAVAILABLE in sysexits.h). */
    static final int NOT_AVAILABLE = 69;

    @Unmatched
    List<String> ignored;

    @Override
    public Integer call() {
        System.err.println("tandem agent: not available in this build: the election agent has not been built yet"
                + " (issue 3). Nothing was started.");
        return NOT_AVAILABLE;
    }
}
