package dev.tandem.net;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.function.Predicate;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Captures every frame arriving on one interface (AF_PACKET, ETH_P_ALL), for tests; open it inside a namespace. */
final class PacketCapture implements Closeable {
    private static final int ETH_P_ALL = 0x0003;
    private final NativeSocket socket;
    private final MemorySegment buffer;

    private PacketCapture(NativeSocket socket) {
        this.socket = socket;
        this.buffer = socket.allocate(65_536);
    }

    static PacketCapture open(String interfaceName) throws IOException {
        int ifindex = Interfaces.require(interfaceName);
        NativeSocket socket = NativeSocket.open(Libc.AF_PACKET, Libc.SOCK_RAW, Short.reverseBytes((short) ETH_P_ALL),
                "socket(AF_PACKET, SOCK_RAW, ETH_P_ALL)", interfaceName);
        try (Arena arena = Arena.ofConfined()) {
            Libc.check(Libc.bind(socket.fd(), SocketAddresses.packet(arena, ifindex, ETH_P_ALL, new byte[0])),
                    "bind(AF_PACKET)", interfaceName);
        }
        return new PacketCapture(socket);
    }

    /** The next frame that matches, or null when none came within the timeout. */
    byte[] next(Duration timeout, Predicate<byte[]> wanted) throws IOException {
        long deadline = NativeSocket.deadline(timeout);
        socket.enter();
        try {
            while (socket.awaitReadable(deadline)) {
                long length = Libc.recv(socket.fd(), buffer, buffer.byteSize(), Libc.MSG_DONTWAIT);
                if (length < 0) {
                    continue;
                }
                byte[] frame = buffer.asSlice(0, length).toArray(JAVA_BYTE);
                if (wanted.test(frame)) {
                    return frame;
                }
            }
            return null;
        } finally {
            socket.exit();
        }
    }

    static boolean hasEtherType(byte[] frame, int etherType) {
        return frame.length >= 14 && (((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF)) == etherType;
    }

    @Override
    public void close() {
        socket.close();
    }
}
