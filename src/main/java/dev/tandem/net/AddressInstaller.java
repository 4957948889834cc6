package dev.tandem.net;

import java.io.IOException;
import java.util.List;

/**
 * Puts floating addresses on an interface and takes them off: what the agent does on becoming active or backup.
 * Every operation is idempotent, so a retry or a repeated transition is harmless.
 */
public interface AddressInstaller {
    /**
     * Adds {@code address/prefixLength} to the interface, marked as tandem's. Already present is success.
     *
     * @param address 4 (IPv4) or 16 (IPv6) bytes
     * @throws InterfaceNotFoundException when the interface does not exist
     * @throws ErrnoException when the kernel refuses, with its reason
     */
    void add(String interfaceName, byte[] address, int prefixLength) throws IOException;

    /**
     * Runs what {@link #add} runs, down to the kernel's answer, without changing anything: part of the rehearsal of a
     * takeover that loads and links the code while the member is BACKUP, so that the first takeover of a long-running
     * agent is as quick as a later one.
     */
    default void rehearseAdd(String interfaceName, byte[] address, int prefixLength) throws IOException {
    }

    /**
     * Removes {@code address/prefixLength} from the interface. Already absent is success.
     *
     * @throws InterfaceNotFoundException when the interface does not exist
     */
    void remove(String interfaceName, byte[] address, int prefixLength) throws IOException;

    /**
     * The addresses on the interface that tandem added, in this process or in one that died before removing them.
     *
     * @throws InterfaceNotFoundException when the interface does not exist
     */
    List<InstalledAddress> listOwned(String interfaceName) throws IOException;
}
