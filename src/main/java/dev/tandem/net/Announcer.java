package dev.tandem.net;

import java.io.Closeable;
import java.io.IOException;

/**
 * Tells the neighbours on a link that this host now holds an address. How often and how far apart is the caller's
 * choice (keepalived sends 5, then 5 more after 5 s; RFC 5798 §6.4.1 asks for one on becoming master).
 */
public interface Announcer extends Closeable {
    /**
     * Sends one announcement of {@code address} on the interface: for IPv4 a gratuitous ARP request and reply
     * ({@link GratuitousArp}); for IPv6 an unsolicited neighbour advertisement ({@link NeighbourAdvertisement}).
     *
     * @param address 4 or 16 bytes
     * @return the number of frames sent: 2 for IPv4, 1 for IPv6, 0 when the interface has no neighbours to tell
     *     (not Ethernet, such as loopback or a tunnel, or flagged NOARP, as keepalived also skips them)
     * @throws InterfaceNotFoundException when the interface does not exist
     * @throws ErrnoException when sending fails (e.g. the interface is down)
     */
    int announce(String interfaceName, byte[] address) throws IOException;

    /**
     * Runs what {@link #announce} runs, down to the system call, without sending anything: part of the rehearsal of a
     * takeover, so that the first announcement of a long-running agent does not wait for class loading.
     */
    default void rehearse(String interfaceName, byte[] address) throws IOException {
    }

    @Override
    void close();
}
