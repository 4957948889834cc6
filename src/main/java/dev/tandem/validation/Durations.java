package dev.tandem.validation;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration strings of the API ({@code 100ms}, {@code 1.5s}, {@code 5m}, {@code 1h}). */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("^([0-9]{1,15})(\\.([0-9]{1,9}))?(ms|s|m|h)$");

    private Durations() {
    }

    /** The duration, or empty when the text is not of the API's form or is finer than a millisecond. */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        BigDecimal amount = new BigDecimal(m.group(1) + (m.group(3) == null ? "" : "." + m.group(3)));
        BigDecimal millisPerUnit = switch (m.group(4)) {
            case "ms" -> BigDecimal.ONE;
            case "s" -> BigDecimal.valueOf(1_000);
            case "m" -> BigDecimal.valueOf(60_000);
            default -> BigDecimal.valueOf(3_600_000);
        };
        BigDecimal millis = amount.multiply(millisPerUnit);
        if (millis.stripTrailingZeros().scale() > 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(millis.longValueExact()));
    }

    /** The duration of a field that may be unset, with its documented default. */
    public static Duration orDefault(String text, String defaultText) {
        return parse(text == null ? defaultText : text)
                .orElseThrow(() -> new IllegalArgumentException("not a duration: " + text));
    }

    /** Formats a duration the way the API writes them. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1_000 == 0) return ms / 1_000 + "s";
        return ms + "ms";
    }
}
