package dev.tandem.net;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Interface names and indexes in the calling thread's network namespace (glibc {@code if_nametoindex} and
 * {@code if_nameindex}, which ask the kernel through a socket the calling thread opens).
 */
public final class Interfaces {
    /** {@code IFNAMSIZ - 1}: the longest interface name Linux accepts. */
    public static final int MAX_NAME_LENGTH = 15;

    private static final long NAMEINDEX_ENTRY_SIZE = 16; // struct if_nameindex { unsigned int; char *; }
    private static final AddressLayout C_STRING = ADDRESS.withTargetLayout(
            MemoryLayout.sequenceLayout(MAX_NAME_LENGTH + 1, JAVA_BYTE));

    private Interfaces() {
    }

    /**
     * The index of an interface that must exist.
     *
     * @throws InterfaceNotFoundException naming the interfaces that do exist
     * @throws ErrnoException when the kernel could not be asked at all
     */
    public static int require(String name) throws InterfaceNotFoundException, ErrnoException {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("interface name must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InterfaceNotFoundException(name + " (longer than " + MAX_NAME_LENGTH + " characters)", names());
        }
        int index;
        try (Arena arena = Arena.ofConfined()) {
            index = Libc.ifNameToIndex(arena.allocateFrom(name));
        }
        if (index == 0) {
            int errno = Libc.errno();
            if (errno != ErrnoException.ENODEV) {
                throw new ErrnoException("if_nametoindex", name, errno);
            }
            throw new InterfaceNotFoundException(name, names());
        }
        return index;
    }

    /** The names of all interfaces, in index order. */
    public static List<String> names() throws ErrnoException {
        MemorySegment array = Libc.ifNameIndex();
        if (array.equals(MemorySegment.NULL)) {
            throw new ErrnoException("if_nameindex", "", Libc.errno());
        }
        try {
            List<String> names = new ArrayList<>();
            MemorySegment entries = array.reinterpret(Long.MAX_VALUE);
            for (long offset = 0; ; offset += NAMEINDEX_ENTRY_SIZE) {
                if (entries.get(JAVA_INT, offset) == 0) {
                    return List.copyOf(names);
                }
                names.add(entries.get(C_STRING, offset + 8).getString(0));
            }
        } finally {
            Libc.ifFreeNameIndex(array);
        }
    }
}
