package dev.tandem.net;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few glibc functions the data plane calls, bound with the FFM API (x86_64 and aarch64 Linux).
 *
 * <p>Each call that can fail captures {@code errno} into a per-thread segment right after the call returns, so
 * {@link #check} can turn a -1 into an {@link ErrnoException} naming the call and what it was about. The per-thread
 * segment is what makes this safe when several threads call at once; it belongs to the (virtual or platform) thread,
 * not to the carrier.
 *
 * <p>Blocking calls ({@code poll}) pin a virtual thread's carrier; call them from platform threads.
 */
final class Libc {
    // <sys/socket.h>, <netinet/in.h>, <linux/if_packet.h>, <linux/netlink.h> on Linux (same on x86_64 and aarch64).
    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_BINDTODEVICE = 25;
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IPV6 = 41;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_OOB = 0x1;
    static final short POLLIN = 0x1;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int CLONE_NEWNET = 0x40000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CAPTURED =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = errnoCall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle BIND = errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO = errnoCall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = errnoCall("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMSG = errnoCall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle PPOLL = errnoCall("ppoll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle WRITE = errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READ = errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle EVENTFD = errnoCall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    // ioctl(int, unsigned long, ...) and open(const char *, int, ...) are variadic: say where the variadic part starts.
    private static final MethodHandle IOCTL = errnoCall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle OPEN = errnoCall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = errnoCall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SCHED_SETSCHEDULER = errnoCall("sched_setscheduler",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SCHED_GETSCHEDULER = errnoCall("sched_getscheduler",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = errnoCall("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle IF_NAMEINDEX = errnoCall("if_nameindex", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle IF_FREENAMEINDEX = plainCall("if_freenameindex", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle STRERROR = plainCall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {
    }

    /** The errno captured by this thread's most recent call through this class. */
    static int errno() {
        return (int) ERRNO.get(CAPTURED.get(), 0L);
    }

    /** Returns {@code result} when it is not negative, or throws the errno of the call that produced it. */
    static long check(long result, String call, String subject) throws ErrnoException {
        if (result < 0) {
            throw new ErrnoException(call, subject, errno());
        }
        return result;
    }

    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.equals(MemorySegment.NULL) ? "errno " + errno : text.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int socket(int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(CAPTURED.get(), domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsockopt(int fd, int level, int name, MemorySegment value) {
        try {
            return (int) SETSOCKOPT.invokeExact(CAPTURED.get(), fd, level, name, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(int fd, MemorySegment address) {
        try {
            return (int) BIND.invokeExact(CAPTURED.get(), fd, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long sendto(int fd, MemorySegment buffer, long length, int flags, MemorySegment address) {
        try {
            return (long) SENDTO.invokeExact(CAPTURED.get(), fd, buffer, length, flags, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code recvfrom} without the sender's address. */
    static long recv(int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) RECVFROM.invokeExact(CAPTURED.get(), fd, buffer, length, flags, MemorySegment.NULL,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) RECVMSG.invokeExact(CAPTURED.get(), fd, msghdr, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code ppoll(fds, count, timeout, NULL)}: like poll(2) but with a {@code struct timespec} timeout, so that a
     * wait ends within microseconds of its deadline instead of up to a millisecond after it (poll rounds up to whole
     * milliseconds, which made a 50 ms advert interval 50.6 ms).
     *
     * @param timespec {@code struct timespec { long tv_sec; long tv_nsec; }}, 16 bytes, filled by this method
     */
    static int ppoll(MemorySegment pollfds, long count, MemorySegment timespec, long timeoutNanos) {
        timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
        timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
        try {
            return (int) PPOLL.invokeExact(CAPTURED.get(), pollfds, count, timespec, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(CAPTURED.get(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(int fd, MemorySegment buffer, long length) {
        try {
            return (long) WRITE.invokeExact(CAPTURED.get(), fd, buffer, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long read(int fd, MemorySegment buffer, long length) {
        try {
            return (long) READ.invokeExact(CAPTURED.get(), fd, buffer, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int eventfd(int initialValue, int flags) {
        try {
            return (int) EVENTFD.invokeExact(CAPTURED.get(), initialValue, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ioctl(int fd, long request, MemorySegment argument) {
        try {
            return (int) IOCTL.invokeExact(CAPTURED.get(), fd, request, argument);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int open(MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(CAPTURED.get(), path, flags, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int schedSetscheduler(int pid, int policy, MemorySegment param) {
        try {
            return (int) SCHED_SETSCHEDULER.invokeExact(CAPTURED.get(), pid, policy, param);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int schedGetscheduler(int pid) {
        try {
            return (int) SCHED_GETSCHEDULER.invokeExact(CAPTURED.get(), pid);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setns(int fd, int namespaceType) {
        try {
            return (int) SETNS.invokeExact(CAPTURED.get(), fd, namespaceType);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The interface index, or 0 when there is no such interface in the calling thread's network namespace. */
    static int ifNameToIndex(MemorySegment name) {
        try {
            return (int) IF_NAMETOINDEX.invokeExact(CAPTURED.get(), name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code struct if_nameindex *}, an array ended by an entry with index 0; NULL on failure. */
    static MemorySegment ifNameIndex() {
        try {
            return (MemorySegment) IF_NAMEINDEX.invokeExact(CAPTURED.get());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void ifFreeNameIndex(MemorySegment array) {
        try {
            IF_FREENAMEINDEX.invokeExact(array);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor descriptor, Linker.Option... more) {
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(more, 0, options, 1, more.length);
        return LINKER.downcallHandle(symbol(name), descriptor, options);
    }

    private static MethodHandle plainCall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no function " + name));
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
