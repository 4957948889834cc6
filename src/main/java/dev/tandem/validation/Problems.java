package dev.tandem.validation;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Collects what is wrong with a spec. Each check mirrors a rule of the CRD schema, so that the same input is refused
 * with the same words whether the API server's validation ran (a real cluster) or not (standalone files, test
 * servers, resources created before the schema tightened).
 */
final class Problems {
    private final List<SpecProblem> found = new ArrayList<>();

    void add(String field, String message) {
        found.add(new SpecProblem(field, message));
    }

    List<SpecProblem> list() {
        return List.copyOf(found);
    }

    boolean required(String field, Object value) {
        boolean empty = value == null
                || (value instanceof Collection<?> c && c.isEmpty())
                || (value instanceof String s && s.isEmpty())
                || (value instanceof java.util.Map<?, ?> m && m.isEmpty());
        if (empty) {
            add(field, "is required");
        }
        return !empty;
    }

    void range(String field, Number value, long min, long max) {
        if (value != null && (value.longValue() < min || value.longValue() > max)) {
            add(field, "must be between " + min + " and " + max + ", got " + value);
        }
    }

    void size(String field, Collection<?> value, int min, int max) {
        int n = value == null ? 0 : value.size();
        if (n < min || n > max) {
            add(field, "must have " + (min == max ? "exactly " + min : "between " + min + " and " + max)
                    + " entries, got " + n);
        }
    }

    boolean pattern(String field, String value, String regex, String what) {
        if (value != null && !Pattern.compile(regex).matcher(value).matches()) {
            add(field, "\"" + value + "\" is not " + what);
            return false;
        }
        return true;
    }

    /** Checks a duration field; returns its value, or the default when unset, or empty when invalid. */
    Optional<Duration> duration(String field, String value, String defaultValue, Duration min, Duration max) {
        String text = value == null ? defaultValue : value;
        if (text == null) {
            return Optional.empty();
        }
        Optional<Duration> d = Durations.parse(text);
        if (d.isEmpty()) {
            add(field, "\"" + text + "\" is not a duration such as 100ms, 2s, 1.5s, 5m or 1h");
            return d;
        }
        if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
            add(field, "must be between " + Durations.format(min) + " and " + Durations.format(max) + ", got " + text);
            return Optional.empty();
        }
        return d;
    }

    Optional<InetAddress> ip(String field, String value) {
        if (value == null) {
            return Optional.empty();
        }
        Optional<InetAddress> address = IpAddresses.parse(value);
        if (address.isEmpty()) {
            add(field, "\"" + value + "\" is not an IPv4 or IPv6 address");
        }
        return address;
    }

    void name(String field, String value) {
        if (value != null && (value.length() > 253 || !pattern(field, value, PATTERN_NAME, "a valid Kubernetes name"))) {
            if (value.length() > 253) {
                add(field, "is longer than 253 characters");
            }
        }
    }

    void interfaceName(String field, String value) {
        pattern(field, value, PATTERN_INTERFACE, "a Linux interface name (1-15 characters, no '/', ':' or spaces)");
    }

    static final String PATTERN_NAME = dev.tandem.api.v1alpha1.Tandem.NAME_PATTERN;
    static final String PATTERN_INTERFACE = dev.tandem.api.v1alpha1.Tandem.INTERFACE_PATTERN;
}
