package dev.tandem.agent.kubernetes;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A test application of its own for the agent's tests, with its own mock API server: the operator tests start the
 * controllers in theirs, and a running operator would rewrite the status these tests play the operator for.
 */
public class AgentModeProfile implements QuarkusTestProfile {
}
