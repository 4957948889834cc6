/**
 * Hetzner Cloud floating IPs: the address is moved by an {@code assign} action on
 * {@code /floating_ips/{id}/actions/assign}, which runs asynchronously; a second action while one runs gets 423
 * {@code locked}. The server id of a member comes from the node's {@code hcloud://<id>} provider id, or, in standalone
 * mode, from the server metadata service. Putting the address on the server's interface is the agent's job.
 */
package dev.tandem.provider.hetzner;
