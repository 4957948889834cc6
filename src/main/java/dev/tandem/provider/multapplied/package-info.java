/**
 * The {@code multapplied} provider: the routing objects (connected IPs, routes, CPE NAT IPs) of a Multapplied
 * "Bonded Internet" management server, enabled on the active member's bond and disabled on the others, in the order
 * of Multapplied's {@code swap-active-bond.py} (seed 002), but with every failure surfaced instead of logged and
 * dropped.
 */
package dev.tandem.provider.multapplied;
