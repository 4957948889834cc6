package dev.tandem.agent.hostbond;

import java.util.List;

/** The HostBond cannot be applied on this node as it is; nothing was changed. Each problem is one sentence. */
public final class PlanException extends Exception {
    private final List<String> problems;

    public PlanException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
