package dev.tandem.net;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A socket file descriptor with a timed wait for input that {@link #close()} can interrupt.
 *
 * <p>Closing a descriptor that another thread is polling does not wake that thread on Linux, and the number could be
 * reused under it. So every operation runs between {@link #enter()} and {@link #exit()} (a shared lock), the wait
 * polls an eventfd beside the socket, and {@code close} signals the eventfd, waits for the operations to leave, and
 * only then closes the descriptors. The same eventfd lets another thread cut a wait short ({@link #wakeup()}).
 */
final class NativeSocket implements Closeable {
    private final int fd;
    private final int wakeFd;
    private final String subject;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollFds = arena.allocate(16); // struct pollfd[2] { int fd; short events, revents; }
    private final MemorySegment wakeCounter = arena.allocate(8, 8);
    private final MemorySegment pollTimeout = arena.allocate(16, 8); // struct timespec
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final java.util.concurrent.locks.ReentrantLock receiveLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean closed;

    private NativeSocket(int fd, int wakeFd, String subject) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.subject = subject;
        pollFds.set(JAVA_INT, 0, fd);
        pollFds.set(JAVA_SHORT, 4, Libc.POLLIN);
        pollFds.set(JAVA_INT, 8, wakeFd);
        pollFds.set(JAVA_SHORT, 12, Libc.POLLIN);
    }

    /**
     * Opens a socket; {@code call} names it in errors (e.g. {@code "socket(AF_INET, SOCK_RAW, 112)"}), {@code subject}
     * says what it is for (e.g. the interface). A permission error names the missing capabilities.
     */
    static NativeSocket open(int domain, int type, int protocol, String call, String subject) throws ErrnoException {
        int fd = Libc.socket(domain, type | Libc.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            int errno = Libc.errno();
            if (errno == ErrnoException.EPERM || errno == ErrnoException.EACCES) {
                throw new ErrnoException(call, subject, errno, Capabilities.permissionHint());
            }
            throw new ErrnoException(call, subject, errno);
        }
        int wakeFd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (wakeFd < 0) {
            int errno = Libc.errno();
            Libc.close(fd);
            throw new ErrnoException("eventfd", subject, errno);
        }
        return new NativeSocket(fd, wakeFd, subject);
    }

    /** Native memory that lives as long as the socket (buffers reused by every send or receive). */
    MemorySegment allocate(long bytes) {
        return arena.allocate(bytes, 8);
    }

    int fd() {
        return fd;
    }

    String subject() {
        return subject;
    }

    /** Starts an operation on the descriptor; pair with {@link #exit()} in a finally block. */
    void enter() throws ClosedChannelException {
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw new ClosedChannelException();
        }
    }

    void exit() {
        lock.readLock().unlock();
    }

    void setInt(int level, int option, int value, String optionName) throws ErrnoException {
        try (Arena call = Arena.ofConfined()) {
            set(level, option, call.allocateFrom(JAVA_INT, value), optionName);
        }
    }

    void set(int level, int option, MemorySegment value, String optionName) throws ErrnoException {
        Libc.check(Libc.setsockopt(fd, level, option, value), "setsockopt(" + optionName + ")", subject);
    }

    /**
     * Waits until the socket has input or {@code deadlineNanos} (a {@link System#nanoTime()} value) passes; call
     * between enter and exit.
     *
     * @return false on timeout, or when {@link #wakeup()} cut the wait short
     * @throws AsynchronousCloseException when another thread closed the socket meanwhile
     */
    boolean awaitReadable(long deadlineNanos) throws ErrnoException, AsynchronousCloseException {
        while (true) {
            long remaining = deadlineNanos - System.nanoTime();
            pollFds.set(JAVA_SHORT, 6, (short) 0);
            pollFds.set(JAVA_SHORT, 14, (short) 0);
            int ready = Libc.ppoll(pollFds, 2, pollTimeout, Math.max(0, remaining));
            if (closed) {
                throw new AsynchronousCloseException();
            }
            if (ready < 0) {
                int errno = Libc.errno();
                if (errno == ErrnoException.EINTR) {
                    continue;
                }
                throw new ErrnoException("ppoll", subject, errno);
            }
            if (ready > 0 && pollFds.get(JAVA_SHORT, 6) != 0) {
                return true;
            }
            if (ready > 0 && pollFds.get(JAVA_SHORT, 14) != 0) {
                Libc.read(wakeFd, wakeCounter, 8); // resets the eventfd's counter; EAGAIN if another reader won
                return false;
            }
            if (remaining <= 0 || System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
        }
    }

    /** A system call of a takeover's rehearsal, made so that the kernel refuses it, for {@link #expectRefused}. */
    @FunctionalInterface
    interface RefusedCall {
        void call() throws IOException;
    }

    /**
     * Runs one call of a takeover's rehearsal ({@link VrrpSocket#rehearseSend}, {@link AddressInstaller#rehearseAdd},
     * {@link Announcer#rehearse}): the call is the real one with one argument the kernel refuses with {@code errno}
     * before it changes or sends anything. That refusal is success; another error is thrown; the kernel doing it
     * would be a bug here and is said so.
     *
     * @param what the call as done, for that message
     */
    static void expectRefused(int errno, RefusedCall call, String what) throws IOException {
        try {
            call.call();
        } catch (ErrnoException e) {
            if (e.errno() == errno) {
                return;
            }
            throw e;
        }
        throw new IllegalStateException("the kernel did not refuse a rehearsal: " + what);
    }

    /** One non-blocking read into the socket's buffer: the length, or a negative value with errno set. */
    @FunctionalInterface
    interface Read {
        long read();
    }

    /** What to keep of a datagram of {@code length} bytes: the count stored for the caller, or -1 to skip it. */
    @FunctionalInterface
    interface Keep {
        int keep(long length) throws IOException;
    }

    /**
     * The receive loop of every socket here: wait for input until {@code timeout}, read one datagram without blocking,
     * retry on EAGAIN (another reader won, or the kernel dropped a bad packet) and EINTR, and let {@code keep} store or
     * skip it. One receiver at a time.
     *
     * @return what {@code keep} returned for the first datagram it kept, or -1 when the time ran out or
     * {@link #wakeup()} cut the wait short
     * @throws ErrnoException naming {@code call} and the socket's subject for any other error
     */
    int receive(Duration timeout, String call, Read read, Keep keep) throws IOException {
        long deadline = deadline(timeout);
        enter();
        receiveLock.lock();
        try {
            while (awaitReadable(deadline)) {
                long length = read.read();
                if (length < 0) {
                    int errno = Libc.errno();
                    if (errno == ErrnoException.EAGAIN || errno == ErrnoException.EINTR) {
                        continue;
                    }
                    throw new ErrnoException(call, subject, errno);
                }
                int kept = keep.keep(length);
                if (kept >= 0) {
                    return kept;
                }
            }
            return -1;
        } finally {
            receiveLock.unlock();
            exit();
        }
    }

    /** Makes a thread waiting in {@link #awaitReadable} return false at once (or its next wait, if none waits now). */
    void wakeup() throws ClosedChannelException {
        enter();
        try (Arena call = Arena.ofConfined()) {
            Libc.write(wakeFd, call.allocateFrom(JAVA_LONG, 1L), 8);
        } finally {
            exit();
        }
    }

    static long deadline(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        long nanos = timeout.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : timeout.toNanos();
        return System.nanoTime() + nanos;
    }

    /** Wakes any waiting receiver, waits for operations in progress to finish, then closes. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena call = Arena.ofConfined()) {
            Libc.write(wakeFd, call.allocateFrom(JAVA_LONG, 1L), 8);
        }
        lock.writeLock().lock();
        try {
            if (arena.scope().isAlive()) {
                Libc.close(fd);
                Libc.close(wakeFd);
                arena.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
