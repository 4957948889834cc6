package dev.tandem.net;

import java.io.IOException;

/**
 * A system call (or a netlink request) failed with an errno. The message names the call, what it was about (an
 * interface, an address) and the kernel's text for the error, e.g.
 * {@code "setsockopt(IP_ADD_MEMBERSHIP 224.0.0.18) on eth0 failed: No such device (errno 19)"}.
 */
public class ErrnoException extends IOException {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENXIO = 6;
    public static final int EOPNOTSUPP = 95;
    public static final int EINVAL = 22;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;

    private final String call;
    private final String subject;
    private final int errno;

    public ErrnoException(String call, String subject, int errno) {
        this(call, subject, errno, "");
    }

    /** {@code detail} is appended to the message (the kernel's extended ack text, a hint); may be empty. */
    public ErrnoException(String call, String subject, int errno, String detail) {
        super(call + (subject.isEmpty() ? "" : " on " + subject) + " failed: " + Libc.strerror(errno)
                + " (errno " + errno + ")" + (detail.isEmpty() ? "" : "; " + detail));
        this.call = call;
        this.subject = subject;
        this.errno = errno;
    }

    /** The call that failed, e.g. {@code "socket(AF_INET, SOCK_RAW, 112)"} or {@code "netlink RTM_NEWADDR"}. */
    public String call() {
        return call;
    }

    /** What the call was about: an interface name, an address, or both; empty when nothing more is known. */
    public String subject() {
        return subject;
    }

    public int errno() {
        return errno;
    }
}
