/**
 * Moving a cloud floating address to the active member: one {@link dev.tandem.provider.FloatingIpProvider} per cloud,
 * each in its own sub-package, sharing the retry rules ({@link dev.tandem.provider.Retrier}), the HTTP plumbing
 * ({@link dev.tandem.provider.ProviderHttp}) and the error model ({@link dev.tandem.provider.ProviderException}).
 *
 * <p>Nothing here knows about Kubernetes: the agent and the operator hand a provider its spec, its credentials and a
 * {@link dev.tandem.provider.MasterGuard}, and a provider never calls a mutating endpoint without asking the guard
 * first, so a member that stepped down never assigns.
 */
package dev.tandem.provider;
