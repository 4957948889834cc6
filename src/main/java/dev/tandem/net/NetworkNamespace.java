package dev.tandem.net;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code in another network namespace from inside this JVM, with {@code setns(2)} on a dedicated platform thread
 * (a network namespace belongs to a thread, not to the process). Every socket, packet socket and netlink socket that
 * thread opens lives in that namespace for good, whichever thread uses it afterwards. Used by the lab, where agents
 * in namespaces play the nodes, and by tests. Needs CAP_SYS_ADMIN.
 */
public final class NetworkNamespace {
    private NetworkNamespace() {
    }

    /** The file {@code ip netns add NAME} creates for a namespace. */
    public static Path named(String name) {
        return Path.of("/var/run/netns", name);
    }

    /**
     * Calls {@code task} on a new platform thread that entered the network namespace of {@code namespaceFile} (e.g.
     * {@code /var/run/netns/NAME} or {@code /proc/PID/ns/net}), and waits for its result.
     *
     * @throws Exception what the task threw, as it threw it
     * @throws ErrnoException when the namespace cannot be entered
     */
    public static <T> T call(Path namespaceFile, Callable<T> task) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = threadFactory(namespaceFile, failure).newThread(() -> {
            try {
                result.set(task.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        thread.join();
        Throwable thrown = failure.get();
        if (thrown instanceof Exception e) {
            throw e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    /**
     * Platform threads that enter the namespace before running their task; one that cannot enter it ends at once
     * with an {@link IllegalStateException} instead of running the task in the wrong namespace.
     */
    public static ThreadFactory threadFactory(Path namespaceFile) {
        return threadFactory(namespaceFile, null);
    }

    private static ThreadFactory threadFactory(Path namespaceFile, AtomicReference<Throwable> enterFailure) {
        return task -> Thread.ofPlatform().name("netns-" + namespaceFile.getFileName()).unstarted(() -> {
            try {
                enter(namespaceFile);
            } catch (ErrnoException e) {
                if (enterFailure == null) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
                enterFailure.set(e);
                return;
            }
            task.run();
        });
    }

    /** Moves the calling thread into the namespace. */
    private static void enter(Path namespaceFile) throws ErrnoException {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = Libc.open(arena.allocateFrom(namespaceFile.toString()), Libc.O_RDONLY | Libc.O_CLOEXEC);
        }
        Libc.check(fd, "open", namespaceFile.toString());
        try {
            Libc.check(Libc.setns(fd, Libc.CLONE_NEWNET), "setns(CLONE_NEWNET)", namespaceFile.toString());
        } finally {
            Libc.close(fd);
        }
    }
}
