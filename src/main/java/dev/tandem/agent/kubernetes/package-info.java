/**
 * The agent's Kubernetes mode, as the operator's election DaemonSet runs it ({@code tandem agent --pair NAME}): it
 * follows its FailoverPair and the namespace's FloatingIps through informers, runs the election with the plan they
 * give, and reports its own member entry and Events back.
 *
 * <p>Nothing on the failover path waits for the API server. The informers' caches keep the last configuration when it
 * is unreachable, the election runs on its own thread, and every write (status reports, Events) goes through one
 * single-thread queue ({@link dev.tandem.agent.kubernetes.AgentApi}) whose failures are logged and retried, never
 * thrown into the election.
 */
package dev.tandem.agent.kubernetes;
