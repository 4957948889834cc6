/**
 * DigitalOcean reserved IPs (API v2): the address is moved by an {@code assign} action on
 * {@code /v2/reserved_ips/{ip}/actions}, which completes asynchronously and locks the reserved IP while it runs.
 * The droplet id of a member comes from the node's {@code digitalocean://<id>} provider id, or, in standalone mode,
 * from the droplet metadata service.
 */
package dev.tandem.provider.digitalocean;
