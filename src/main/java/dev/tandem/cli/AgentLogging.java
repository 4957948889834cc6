package dev.tandem.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logging of the agent, which runs without the Quarkus runtime: the same one-line format as the operator's
 * ({@code 2026-11-22 02:29:07,671 INFO  [de.ta.agent] web: BACKUP -> MASTER (MasterDown)}), on standard error, INFO
 * and above ({@code TANDEM_LOG_LEVEL=DEBUG} for more), with the Kubernetes client's informer chatter at WARN.
 */
public final class AgentLogging {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS")
            .withZone(ZoneId.systemDefault());

    private AgentLogging() {
    }

    public static void configure() {
        Level level = parse(System.getenv("TANDEM_LOG_LEVEL"));
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler();
        console.setLevel(Level.ALL);
        console.setFormatter(new LineFormatter());
        root.addHandler(console);
        root.setLevel(level);
        Logger.getLogger("io.fabric8.kubernetes.client.informers").setLevel(Level.WARNING);
    }

    static Level parse(String text) {
        if (text == null || text.isBlank()) {
            return Level.INFO;
        }
        return switch (text.strip().toUpperCase(java.util.Locale.ROOT)) {
            case "TRACE" -> Level.FINEST;
            case "DEBUG" -> Level.FINE;
            case "WARN", "WARNING" -> Level.WARNING;
            case "ERROR" -> Level.SEVERE;
            default -> Level.INFO;
        };
    }

    /** One line per record: time, level, the logger's name shortened like Quarkus's {@code %c{2.}}, message. */
    static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(160);
            b.append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ');
            b.append(String.format("%-5s", levelName(r.getLevel()))).append(" [").append(shorten(r.getLoggerName()))
                    .append("] ").append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                java.io.StringWriter w = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(w));
                b.append(w);
            }
            return b.toString();
        }

        static String levelName(Level l) {
            int v = l.intValue();
            if (v >= Level.SEVERE.intValue()) return "ERROR";
            if (v >= Level.WARNING.intValue()) return "WARN";
            if (v >= Level.INFO.intValue()) return "INFO";
            if (v >= Level.FINE.intValue()) return "DEBUG";
            return "TRACE";
        }

        /** {@code dev.tandem.agent} becomes {@code de.ta.agent}: every part but the last cut to two letters. */
        static String shorten(String name) {
            if (name == null || name.isEmpty()) {
                return "";
            }
            String[] parts = name.split("\\.");
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                boolean keep = i == parts.length - 1;
                b.append(keep || parts[i].length() <= 2 ? parts[i] : parts[i].substring(0, 2));
                if (i < parts.length - 1) {
                    b.append('.');
                }
            }
            return b.toString();
        }
    }
}
