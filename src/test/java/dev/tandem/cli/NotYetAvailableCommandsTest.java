package dev.tandem.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Roles this build does not have yet say so and start nothing, whatever arguments they get; the agent's modes that it
 * has say in one line what is missing before they start anything.
 */
class NotYetAvailableCommandsTest {
    @Test
    void theAgentsKubernetesModeNeedsTheNamespaceOfItsPair() {
        assumeUnset("POD_NAMESPACE");
        Run run = run(new AgentCommand(), "--pair", "web", "--node", "lb-1");
        assertThat(run.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(run.err).isEqualToIgnoringNewLines("tandem agent: say which namespace FailoverPair web is in, with"
                + " --namespace NAME or $POD_NAMESPACE");
    }

    @Test
    void theAgentsKubernetesModeNeedsItsNode() {
        assumeUnset("NODE_NAME");
        Run run = run(new AgentCommand(), "--pair", "web", "--namespace", "tandem-demo");
        assertThat(run.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(run.err).contains("tandem agent: say which member this host is, with --node NAME or $NODE_NAME");
    }

    @Test
    void theAgentsKubernetesModeNeedsItsPair() {
        Run run = run(new AgentCommand(), "--node", "lb-1", "--namespace", "tandem-demo");
        assertThat(run.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(run.err).contains("tandem agent: say which FailoverPair to run, with --pair NAME");
    }

    @Test
    void aHostBondAgentInAClusterNeedsItsNode() {
        assumeUnset("NODE_NAME");
        Run run = run(new AgentCommand(), "--host-bond", "laptop");
        assertThat(run.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(run.err).isEqualToIgnoringNewLines("tandem agent: say which node this is, with --node NAME or"
                + " $NODE_NAME");
    }

    @Test
    void aStandaloneHostBondAgentSaysWhatIsWrongWithItsFile() throws Exception {
        Run missing = run(new AgentCommand(), "--host-bond", "laptop", "--standalone", "/nonexistent/bond.yaml");
        assertThat(missing.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(missing.err).contains("tandem agent: cannot read /nonexistent/bond.yaml");
        java.nio.file.Path file = java.nio.file.Files.createTempFile("bond", ".yaml");
        try {
            java.nio.file.Files.writeString(file, """
                    apiVersion: tandem.dev/v1alpha1
                    kind: HostBond
                    metadata: {name: uplinks}
                    spec:
                      nodeSelector: {a: b}
                      mode: routed
                      routed:
                        uplinks:
                          - {interface: eth0, gateway: 192.0.2.1, weight: 3}
                    """);
            Run wrongName = run(new AgentCommand(), "--host-bond", "laptop", "--standalone", file.toString());
            assertThat(wrongName.exit).isEqualTo(AgentCommand.CONFIG);
            assertThat(wrongName.err).contains(file + " document 1 (HostBond) does not match the HostBond schema")
                    .contains("weight");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void aStandaloneAgentWithoutItsFileSaysWhichFile() {
        Run run = run(new AgentCommand(), "--standalone", "/nonexistent/pair.yaml", "--node", "lb-1");
        assertThat(run.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(run.err).contains("tandem agent: cannot read /nonexistent/pair.yaml");
    }

    @Test
    void aMetricsPortOutOfRangeIsNamed() {
        Run run = run(new AgentCommand(), "--standalone", "/nonexistent/pair.yaml", "--node", "lb-1",
                "--metrics-port", "70000");
        assertThat(run.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(run.err).contains("tandem agent: --metrics-port must be between 0 and 65535 (or -1 for none),"
                + " got 70000");
    }

    @Test
    void agentLogLinesLookLikeTheOperators() {
        java.util.logging.LogRecord r = new java.util.logging.LogRecord(java.util.logging.Level.WARNING,
                "web: %s".formatted("BACKUP -> MASTER"));
        r.setLoggerName("dev.tandem.agent");
        String line = new AgentLogging.LineFormatter().format(r);
        assertThat(line).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3} WARN  \\[de.ta.agent] web: BACKUP -> MASTER\\R");
        assertThat(AgentLogging.parse("debug")).isEqualTo(java.util.logging.Level.FINE);
        assertThat(AgentLogging.parse(null)).isEqualTo(java.util.logging.Level.INFO);
    }

    @Test
    void labRefusesANegativeNumberOfRounds() {
        Run run = run(new LabCommand(), "--rounds", "-1");
        assertThat(run.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(run.err).isEqualToIgnoringNewLines("tandem lab: --rounds must be 0 or more, got -1");
    }

    @Test
    void labWithoutRoundsNeedsKeep() {
        Run run = run(new LabCommand(), "--rounds", "0");
        assertThat(run.exit).isEqualTo(AgentCommand.CONFIG);
        assertThat(run.err).contains("--rounds 0 only makes sense with --keep");
    }

    /** These cases test the variable's absence; where it is set (inside a pod) they say so and skip. */
    private static void assumeUnset(String variable) {
        if (System.getenv(variable) != null) {
            System.out.println("NotYetAvailableCommandsTest: skipped a case because " + variable + " is set here");
        }
        Assumptions.assumeTrue(System.getenv(variable) == null, variable + " is set in this environment");
    }

    record Run(int exit, String err) {
    }

    private static Run run(Object command, String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(command).execute(args);
            return new Run(exit, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }
}
