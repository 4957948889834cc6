package dev.tandem.lab;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The lab's output. On a terminal: a progress line rewritten in place while the lab builds, then a live block (the
 * members, the holder, the client) redrawn under the lines that stay. Elsewhere (CI, a pipe, a file): plain lines,
 * each with its time, and no escape sequences.
 */
final class LabConsole {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final String CLEAR_LINE = "\r\033[2K";

    private final PrintStream out;
    private final boolean terminal;
    private List<String> block = List.of();
    private int drawn;
    private boolean progressShown;

    LabConsole(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A terminal unless told otherwise: a console that is a terminal, and a TERM that can move the cursor. */
    static LabConsole forStandardOutput(boolean plain) {
        java.io.Console console = System.console();
        boolean terminal = !plain && console != null && console.isTerminal() && !"dumb".equals(System.getenv("TERM"));
        return new LabConsole(System.out, terminal);
    }

    boolean terminal() {
        return terminal;
    }

    /** A step of building the lab: on a terminal it replaces the previous step's line. */
    synchronized void progress(int step, int steps, String what) {
        String text = "[" + step + "/" + steps + "] " + what;
        if (terminal) {
            erase();
            out.print(CLEAR_LINE + text + " ...");
            out.flush();
            progressShown = true;
        } else {
            out.println(stamp(text));
        }
    }

    /** A line that stays. */
    synchronized void println(String line) {
        if (terminal) {
            erase();
            endProgress();
            out.println(line);
            draw();
        } else {
            out.println(stamp(line));
        }
        out.flush();
    }

    /** Replaces the live block (terminal only; plain output reports changes as lines instead). */
    synchronized void live(List<String> lines) {
        if (!terminal) {
            return;
        }
        if (lines.equals(block) && !progressShown) {
            return;
        }
        endProgress();
        erase();
        block = List.copyOf(lines);
        draw();
        out.flush();
    }

    /** Removes the live block, e.g. before the lab stops. */
    synchronized void clearLive() {
        if (terminal) {
            erase();
            block = List.of();
            endProgress();
            out.flush();
        }
    }

    private void endProgress() {
        if (progressShown) {
            out.print(CLEAR_LINE);
            progressShown = false;
        }
    }

    private void erase() {
        for (int i = 0; i < drawn; i++) {
            out.print("\033[1A" + CLEAR_LINE);
        }
        drawn = 0;
    }

    private void draw() {
        for (String line : block) {
            out.println(line);
        }
        drawn = block.size();
    }

    private static String stamp(String line) {
        return TIME.format(Instant.now()) + " " + line;
    }
}
