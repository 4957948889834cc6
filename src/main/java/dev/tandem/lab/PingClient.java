package dev.tandem.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab's client: {@code ping -D -i 0.01} of the floating IP from the client's namespace, as a user of the service
 * would see it. Each reply carries the kernel's receive time (-D), so a gap is measured between two replies, not
 * between two reads of the output.
 */
final class PingClient implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(10);
    private static final Pattern REPLY = Pattern.compile("^\\[(\\d+)\\.(\\d+)] .*icmp_seq=\\d+");
    private static final Duration KEEP = Duration.ofMinutes(2);

    private final Process process;
    private final Deque<Instant> replies = new ArrayDeque<>();

    /** The longest silence between two replies, and the replies around it. */
    record Gap(Duration length, Instant lastBefore, Instant firstAfter) {
    }

    private PingClient(Process process) {
        this.process = process;
    }

    static PingClient start(String namespace, String address, boolean ownSession) {
        List<String> command = new ArrayList<>();
        if (ownSession) {
            command.add("setsid");
        }
        command.addAll(List.of("ip", "netns", "exec", namespace, "ping", "-D", "-n", "-i",
                String.format(java.util.Locale.ROOT, "%.2f", INTERVAL.toMillis() / 1000.0), address));
        try {
            PingClient client = new PingClient(new ProcessBuilder(command).redirectErrorStream(true).start());
            Thread.ofPlatform().daemon().name("lab-client").start(client::read);
            return client;
        } catch (IOException e) {
            throw new LabException("cannot start ping in the client's namespace: " + e.getMessage(), e);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Matcher m = REPLY.matcher(line);
                if (m.find()) {
                    String fraction = (m.group(2) + "000000000").substring(0, 9);
                    reply(Instant.ofEpochSecond(Long.parseLong(m.group(1)), Long.parseLong(fraction)));
                }
            }
        } catch (IOException e) {
            // ping ended
        }
    }

    private synchronized void reply(Instant at) {
        replies.addLast(at);
        Instant horizon = at.minus(KEEP);
        while (!replies.isEmpty() && replies.peekFirst().isBefore(horizon)) {
            replies.removeFirst();
        }
    }

    /** Replies in the second before {@code now}. */
    synchronized int repliesPerSecond(Instant now) {
        Instant from = now.minusSeconds(1);
        int n = 0;
        for (var it = replies.descendingIterator(); it.hasNext(); ) {
            Instant t = it.next();
            if (t.isBefore(from)) {
                break;
            }
            if (!t.isAfter(now)) {
                n++;
            }
        }
        return n;
    }

    synchronized Optional<Instant> firstReplyAfter(Instant t) {
        return replies.stream().filter(r -> r.isAfter(t)).findFirst();
    }

    /** The longest silence between consecutive replies from {@code from} to {@code to}. */
    synchronized Optional<Gap> longestGap(Instant from, Instant to) {
        Instant previous = null;
        Gap longest = null;
        for (Instant r : replies) {
            if (r.isBefore(from)) {
                previous = r;
                continue;
            }
            if (r.isAfter(to)) {
                break;
            }
            if (previous != null) {
                Duration d = Duration.between(previous, r);
                if (longest == null || d.compareTo(longest.length()) > 0) {
                    longest = new Gap(d, previous, r);
                }
            }
            previous = r;
        }
        return Optional.ofNullable(longest);
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
