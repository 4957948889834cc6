package dev.tandem.provider;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Secret values a provider needs (a token, a key pair, a user and password), read from a Secret or a file. The values
 * never leave through {@link #toString()}, so a credential cannot end up in a log line or an Event by accident.
 */
public final class Credentials {
    private final String source;
    private final Map<String, String> values;

    /**
     * @param source where the values came from, e.g. {@code Secret default/do-token}, named in errors
     */
    public Credentials(String source, Map<String, String> values) {
        this.source = source;
        this.values = Map.copyOf(new TreeMap<>(values));
    }

    public static Credentials none(String source) {
        return new Credentials(source, Map.of());
    }

    public String source() {
        return source;
    }

    public Optional<String> optional(String key) {
        return Optional.ofNullable(values.get(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** The value of {@code key}; a permanent error naming the source and the key when it is missing or empty. */
    public String require(String provider, String key) throws ProviderException {
        return optional(key).orElseThrow(() -> new ProviderException(ProviderException.Kind.PERMANENT, provider,
                "credentials", source + " has no non-empty key '" + key + "'"));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public String toString() {
        return "Credentials[" + source + ", keys=" + values.keySet() + "]";
    }
}
