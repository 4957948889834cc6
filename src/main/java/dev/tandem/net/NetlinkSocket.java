package dev.tandem.net;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A NETLINK_ROUTE socket that sends one request at a time and collects its answer: an acknowledgement, one reply, or
 * the messages of a dump. The socket belongs to the network namespace of the thread that opened it, for good.
 */
final class NetlinkSocket implements Closeable {
    static final int NETLINK_ROUTE = 0;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
    private static final int BUFFER_SIZE = 65_536;

    private enum Expect { ACK, ONE, DUMP }

    private final NativeSocket socket;
    private final MemorySegment kernel;
    private final MemorySegment sendBuffer;
    private final MemorySegment receiveBuffer;
    private int sequence;

    private NetlinkSocket(NativeSocket socket) {
        this.socket = socket;
        this.kernel = socket.allocate(SocketAddresses.SOCKADDR_NL_SIZE);
        SocketAddresses.writeNetlinkKernel(kernel);
        this.sendBuffer = socket.allocate(BUFFER_SIZE);
        this.receiveBuffer = socket.allocate(BUFFER_SIZE);
    }

    static NetlinkSocket open() throws ErrnoException {
        NativeSocket socket = NativeSocket.open(Libc.AF_NETLINK, Libc.SOCK_RAW, NETLINK_ROUTE,
                "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)", "");
        try (Arena arena = Arena.ofConfined()) {
            Libc.check(Libc.bind(socket.fd(), SocketAddresses.netlinkKernel(arena)), "bind(AF_NETLINK)", "");
            // Best effort: the kernel's own words for an error (Linux 4.12), and no echo of our request in them.
            optional(socket, NETLINK_EXT_ACK, "NETLINK_EXT_ACK");
            optional(socket, NETLINK_CAP_ACK, "NETLINK_CAP_ACK");
            return new NetlinkSocket(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void optional(NativeSocket socket, int option, String name) {
        try {
            socket.setInt(SOL_NETLINK, option, 1, name);
        } catch (ErrnoException ignored) {
            // older kernels: errors still arrive, only without the extended text
        }
    }

    int nextSequence() {
        sequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
        return sequence;
    }

    /** Sends a request made with NLM_F_ACK and returns when the kernel acknowledged it. */
    void acknowledged(byte[] request, String call, String subject) throws IOException {
        exchange(request, Expect.ACK, call, subject);
    }

    /** Sends a request that has one answer message (e.g. RTM_GETLINK by name) and returns that message. */
    ByteBuffer single(byte[] request, String call, String subject) throws IOException {
        return exchange(request, Expect.ONE, call, subject).getFirst();
    }

    /** Sends a dump request and returns every message up to NLMSG_DONE. */
    List<ByteBuffer> dump(byte[] request, String call, String subject) throws IOException {
        return exchange(request, Expect.DUMP, call, subject);
    }

    private synchronized List<ByteBuffer> exchange(byte[] request, Expect expect, String call, String subject)
            throws IOException {
        int expected = NetlinkMessages.header(ByteBuffer.wrap(request).order(ByteOrder.nativeOrder())).sequence();
        socket.enter();
        try {
            MemorySegment.copy(request, 0, sendBuffer, JAVA_BYTE, 0, request.length);
            Libc.check(Libc.sendto(socket.fd(), sendBuffer, request.length, 0, kernel), call, subject);
            List<ByteBuffer> answer = new ArrayList<>();
            long deadline = NativeSocket.deadline(ANSWER_TIMEOUT);
            while (true) {
                if (!socket.awaitReadable(deadline)) {
                    throw new IOException(call + (subject.isEmpty() ? "" : " on " + subject)
                            + ": the kernel did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
                }
                long length = Libc.recv(socket.fd(), receiveBuffer, BUFFER_SIZE, Libc.MSG_DONTWAIT | Libc.MSG_TRUNC);
                if (length < 0) {
                    int errno = Libc.errno();
                    if (errno == ErrnoException.EAGAIN || errno == ErrnoException.EINTR) {
                        continue;
                    }
                    throw new ErrnoException("recv(netlink) for " + call, subject, errno);
                }
                if (length > BUFFER_SIZE) {
                    throw new IOException(call + ": a netlink answer of " + length + " bytes did not fit the buffer");
                }
                ByteBuffer datagram = ByteBuffer.allocate((int) length).order(ByteOrder.nativeOrder());
                MemorySegment.ofBuffer(datagram).copyFrom(receiveBuffer.asSlice(0, length));
                for (ByteBuffer message : NetlinkMessages.split(datagram)) {
                    NetlinkMessages.Header header = NetlinkMessages.header(message);
                    if (header.sequence() != expected) {
                        continue; // the late answer to a request that timed out
                    }
                    switch (header.type()) {
                        case NetlinkMessages.NLMSG_ERROR -> {
                            NetlinkMessages.Error error = NetlinkMessages.error(message);
                            if (error.errno() != 0) {
                                throw new ErrnoException(call, subject, error.errno(), error.message());
                            }
                            return answer; // an acknowledgement
                        }
                        case NetlinkMessages.NLMSG_DONE -> {
                            return answer;
                        }
                        case NetlinkMessages.NLMSG_NOOP -> {
                        }
                        default -> {
                            answer.add(message);
                            if (expect == Expect.ONE && (header.flags() & NetlinkMessages.NLM_F_MULTI) == 0) {
                                return answer;
                            }
                        }
                    }
                }
            }
        } finally {
            socket.exit();
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
