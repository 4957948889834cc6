package dev.tandem.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Link changes as the kernel announces them: a NETLINK_ROUTE socket in the {@code RTNLGRP_LINK} group, so that a lost
 * or returned carrier is seen the moment it happens instead of by asking every few milliseconds. A thread blocks in
 * {@link #next(Duration)}, which costs nothing while links stay as they are.
 *
 * <p>The kernel drops notifications when the socket's buffer overflows ({@code ENOBUFS}); {@link #next} reports that
 * as {@link Change#OVERFLOW} so the caller asks for the current state instead of trusting what it missed.
 */
public final class LinkMonitor implements AutoCloseable {
    /** {@code RTMGRP_LINK}: the multicast group bit of link notifications. */
    static final int RTMGRP_LINK = 0x1;
    private static final int BUFFER_SIZE = 65_536;
    private static final int ENOBUFS = 105;

    /** One link's state in a notification, or the overflow marker. */
    public record Change(int index, String name, boolean carrier, boolean removed) {
        public static final Change OVERFLOW = new Change(0, "", false, false);
    }

    private final NativeSocket socket;
    private final MemorySegment buffer;

    private LinkMonitor(NativeSocket socket) {
        this.socket = socket;
        this.buffer = socket.allocate(BUFFER_SIZE);
    }

    /** Subscribes to link notifications of this thread's network namespace. */
    public static LinkMonitor open() throws ErrnoException {
        NativeSocket socket = NativeSocket.open(Libc.AF_NETLINK, Libc.SOCK_RAW, NetlinkSocket.NETLINK_ROUTE,
                "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)", "link notifications");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sockaddr = SocketAddresses.netlinkKernel(arena);
            sockaddr.set(JAVA_INT, 8, RTMGRP_LINK); // struct sockaddr_nl { family; pad; pid; groups; }
            Libc.check(Libc.bind(socket.fd(), sockaddr), "bind(AF_NETLINK, RTMGRP_LINK)", "link notifications");
            return new LinkMonitor(socket);
        } catch (RuntimeException | ErrnoException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Waits at most {@code timeout} for notifications and returns the link states they carry (empty on timeout).
     *
     * @throws java.nio.channels.AsynchronousCloseException when {@link #close()} ended the wait
     */
    public List<Change> next(Duration timeout) throws IOException {
        List<Change> changes = new ArrayList<>();
        try {
            socket.receive(timeout, "recv(netlink link notifications)",
                    () -> Libc.recv(socket.fd(), buffer, BUFFER_SIZE, Libc.MSG_DONTWAIT),
                    length -> {
                        ByteBuffer datagram = ByteBuffer.allocate((int) Math.min(length, BUFFER_SIZE))
                                .order(ByteOrder.nativeOrder());
                        MemorySegment.ofBuffer(datagram).copyFrom(buffer.asSlice(0, datagram.capacity()));
                        changes.addAll(parse(datagram));
                        return changes.isEmpty() ? -1 : changes.size();
                    });
        } catch (ErrnoException e) {
            if (e.errno() == ENOBUFS) {
                return List.of(Change.OVERFLOW);
            }
            throw e;
        }
        return changes;
    }

    /** The link states in one notification datagram; messages other than RTM_NEWLINK and RTM_DELLINK are skipped. */
    static List<Change> parse(ByteBuffer datagram) {
        List<Change> changes = new ArrayList<>();
        for (ByteBuffer message : NetlinkMessages.split(datagram)) {
            int type = NetlinkMessages.header(message).type();
            if ((type != NetlinkMessages.RTM_NEWLINK && type != NetlinkMessages.RTM_DELLINK)
                    || message.limit() < NetlinkMessages.NLMSG_HDRLEN + NetlinkMessages.IFINFOMSG_SIZE) {
                continue;
            }
            NetlinkMessages.Link link = NetlinkMessages.link(message);
            boolean removed = type == NetlinkMessages.RTM_DELLINK;
            changes.add(new Change(link.index(), link.name(), !removed && link.hasCarrier(), removed));
        }
        return changes;
    }

    /** Ends a wait in {@link #next} and releases the socket. Idempotent. */
    @Override
    public void close() {
        socket.close();
    }
}
