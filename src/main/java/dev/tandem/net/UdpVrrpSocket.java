package dev.tandem.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The udp transport's socket: VRRP messages in UDP datagrams between the members' own addresses, through a
 * {@link DatagramEnvelope} that authenticates them. It behaves like the raw sockets for the election loop:
 * {@link #receive} hands over a whole IP packet (an IPv4 header, or the 40-byte IPv6 header the raw IPv6 socket also
 * rebuilds, with the datagram's source, this member's address as destination, protocol 112 and TTL / hop limit 255)
 * followed by the VRRP message, so the same decoder reads both.
 *
 * <p>TTL 255 in that header is a stand-in: across routers a UDP datagram arrives with less. RFC 5798 §5.1.1.3 uses the
 * TTL to keep adverts on one link, because plain VRRP has nothing else to trust; here every datagram is authenticated,
 * so members may be in different subnets.
 *
 * <p>The envelope's own datagrams (the udp transport's handshake) go out without the election seeing them: the answers
 * to a datagram as it is opened, and those on the envelope's timer when {@link #open} returns and whenever
 * {@link #receive} runs, which wakes up for them while it waits.
 *
 * <p>A plain {@link DatagramChannel} in non-blocking mode with a {@link Selector}: {@code select} waits with a timeout
 * and {@link Selector#wakeup()} is what {@link #wakeup()} needs. Opened in the calling thread's network namespace.
 */
public final class UdpVrrpSocket implements VrrpSocket {
    private static final int RECEIVE_BUFFER = 65_536;
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;

    private final DatagramChannel channel;
    private final Selector selector;
    private final String interfaceName;
    private final byte[] local;
    private final int port;
    private final DatagramEnvelope envelope;
    private final ByteBuffer received = ByteBuffer.allocateDirect(RECEIVE_BUFFER);
    private final byte[] datagram = new byte[RECEIVE_BUFFER];
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final DatagramEnvelope.Outbox outbox = this::sendDatagram;
    /** Set by {@link #wakeup()}: tells a select that returned with nothing apart from a timer of the envelope. */
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private volatile boolean closed;
    /** The thread in the sub-millisecond part of a {@link #receive} wait, for {@link #wakeup()} to unpark. */
    private volatile Thread parked;

    private UdpVrrpSocket(DatagramChannel channel, Selector selector, String interfaceName, byte[] local, int port,
                          DatagramEnvelope envelope) {
        this.channel = channel;
        this.selector = selector;
        this.interfaceName = interfaceName;
        this.local = local;
        this.port = port;
        this.envelope = envelope;
    }

    /**
     * Binds to {@code localAddress} and {@code port}.
     *
     * @param interfaceName the member's interface: it scopes a link-local address and is what the election watches
     * @throws InterfaceNotFoundException when the interface does not exist
     * @throws IOException naming the address and port when the bind fails (the address is not on this host, the
     *                     port is taken)
     */
    public static UdpVrrpSocket open(String interfaceName, byte[] localAddress, int port, DatagramEnvelope envelope)
            throws IOException {
        AddressText.requireIp(localAddress, "localAddress");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("a UDP port is 1-65535, got " + port);
        }
        int ifindex = Interfaces.require(interfaceName);
        boolean v4 = localAddress.length == 4;
        int scope = !v4 && isLinkLocal(localAddress) ? ifindex : 0;
        DatagramChannel channel = DatagramChannel.open(v4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        Selector selector = null;
        try {
            try {
                channel.bind(new InetSocketAddress(address(localAddress, scope), port));
            } catch (IOException e) {
                throw new IOException("cannot bind the udp transport to " + AddressText.of(localAddress) + " port "
                        + port + " on " + interfaceName + ": " + e.getMessage()
                        + " (is the member's address on this host, and the port free?)", e);
            }
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            UdpVrrpSocket socket = new UdpVrrpSocket(channel, selector, interfaceName, localAddress.clone(), port,
                    envelope);
            // The first hellos leave before the election starts, so that the answers mostly wait in the socket's
            // buffer ahead of the peers' adverts.
            envelope.sendDue(System.nanoTime(), socket.outbox);
            return socket;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    private static boolean isLinkLocal(byte[] a) {
        return (a[0] & 0xFF) == 0xFE && (a[1] & 0xC0) == 0x80;
    }

    private static InetAddress address(byte[] bytes, int scope) throws IOException {
        return scope != 0 ? Inet6Address.getByAddress(null, bytes, scope) : InetAddress.getByAddress(bytes);
    }

    public int port() {
        return port;
    }

    @Override
    public void send(byte[] vrrpPayload, byte[] destinationAddress) throws IOException {
        sendDatagram(envelope.seal(vrrpPayload), destinationAddress);
    }

    private void sendDatagram(byte[] datagram, byte[] destinationAddress) throws IOException {
        if (destinationAddress.length != local.length) {
            throw new IllegalArgumentException("this udp transport socket sends to " + local.length
                    + "-byte addresses, got " + destinationAddress.length + " bytes");
        }
        int destinationScope = destinationAddress.length == 16 && isLinkLocal(destinationAddress)
                ? Interfaces.require(interfaceName) : 0;
        SocketAddress to = new InetSocketAddress(address(destinationAddress, destinationScope), port);
        sendLock.lock();
        try {
            // Non-blocking: a full socket buffer drops the datagram, as the network may; the next advert follows.
            channel.send(ByteBuffer.wrap(datagram), to);
        } catch (ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("sendto(udp transport to " + AddressText.of(destinationAddress) + " port " + port
                    + ") on " + interfaceName + ": " + e.getMessage(), e);
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public int receive(byte[] buffer, Duration timeout) throws IOException {
        long deadline = NativeSocket.deadline(timeout);
        receiveLock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new AsynchronousCloseException();
                }
                envelope.sendDue(System.nanoTime(), outbox);
                int stored = readOne(buffer);
                if (stored >= 0) {
                    return stored;
                }
                long now = System.nanoTime();
                long left = deadline - now;
                if (left <= 0) {
                    return -1;
                }
                OptionalLong due = envelope.nextDueNanos();
                long wait = due.isPresent() ? Math.min(left, Math.max(0, due.getAsLong() - now)) : left;
                int ready;
                if (wait >= 1_000_000) {
                    // select counts whole milliseconds: round down, so it ends up to 1 ms early and the rest of the
                    // wait is parked below (rounding up kept a 50 ms advert interval as 50.6 ms)
                    ready = selector.select(wait / 1_000_000);
                } else {
                    // Under a millisecond to go: park for it; a datagram that comes meanwhile is read when it ends,
                    // before the election looks at its timers, and wakeup() unparks.
                    parked = Thread.currentThread();
                    if (!wakeupRequested.get()) {
                        LockSupport.parkNanos(this, wait);
                    }
                    parked = null;
                    ready = selector.selectNow();
                }
                selector.selectedKeys().clear();
                if (closed) {
                    throw new AsynchronousCloseException();
                }
                if (ready == 0 && (wakeupRequested.getAndSet(false) || System.nanoTime() - deadline >= 0)) {
                    // woken up, or the time ran out: the caller looks at its queue and timers now
                    return readOne(buffer);
                }
                // a datagram, or the envelope's timer: round again
            }
        } catch (ClosedSelectorException e) {
            throw new AsynchronousCloseException();
        } finally {
            receiveLock.unlock();
        }
    }

    /** Reads datagrams until one opens; returns its packet length in {@code buffer}, or -1 when none is waiting. */
    private int readOne(byte[] buffer) throws IOException {
        while (true) {
            received.clear();
            SocketAddress from = channel.receive(received);
            if (from == null) {
                return -1;
            }
            received.flip();
            int length = received.remaining();
            received.get(datagram, 0, length);
            byte[] source = ((InetSocketAddress) from).getAddress().getAddress();
            int header = local.length == 4 ? IPV4_HEADER : IPV6_HEADER;
            if (source.length != local.length || buffer.length <= header) {
                continue;
            }
            int message = envelope.open(datagram, length, source, buffer, header, outbox);
            if (message < 0) {
                continue;
            }
            writeHeader(buffer, source, message);
            return header + message;
        }
    }

    private void writeHeader(byte[] buffer, byte[] source, int message) {
        if (local.length == 4) {
            java.util.Arrays.fill(buffer, 0, IPV4_HEADER, (byte) 0);
            int total = IPV4_HEADER + message;
            buffer[0] = 0x45;
            buffer[2] = (byte) (total >>> 8);
            buffer[3] = (byte) total;
            buffer[8] = (byte) HOP_LIMIT;
            buffer[9] = (byte) IP_PROTOCOL;
            System.arraycopy(source, 0, buffer, 12, 4);
            System.arraycopy(local, 0, buffer, 16, 4);
        } else {
            java.util.Arrays.fill(buffer, 0, IPV6_HEADER, (byte) 0);
            buffer[0] = 0x60;
            buffer[4] = (byte) (message >>> 8);
            buffer[5] = (byte) message;
            buffer[6] = (byte) IP_PROTOCOL;
            buffer[7] = (byte) HOP_LIMIT;
            System.arraycopy(source, 0, buffer, 8, 16);
            System.arraycopy(local, 0, buffer, 24, 16);
        }
    }

    @Override
    public void wakeup() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        wakeupRequested.set(true);
        selector.wakeup();
        Thread receiver = parked;
        if (receiver != null) {
            LockSupport.unpark(receiver);
        }
    }

    @Override
    public String interfaceName() {
        return interfaceName;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            selector.close(); // wakes a receiver and waits for its select to return
        } catch (IOException ignored) {
            // closing: nothing to report
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public String toString() {
        return "VrrpSocket[udp " + AddressText.of(local) + " port " + port + " on " + interfaceName + "]";
    }
}
