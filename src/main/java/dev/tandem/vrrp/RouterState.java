package dev.tandem.vrrp;

/**
 * The states of RFC 5798 §6.4 (RFC 9568 calls Master "Active"), plus FAULT as in keepalived: a member whose interface
 * is down or whose unweighted health check fails holds no address, sends nothing and ignores adverts.
 */
public enum RouterState {
    /** Not started, or shut down (RFC 5798 §6.4.1). */
    INITIALIZE,
    /** Watching the master; holds no virtual address (RFC 5798 §6.4.2). */
    BACKUP,
    /** Holds the virtual addresses and advertises (RFC 5798 §6.4.3). */
    MASTER,
    /** Out of the election until the fault clears. */
    FAULT
}
