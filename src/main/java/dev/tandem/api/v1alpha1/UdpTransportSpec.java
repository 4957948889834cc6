package dev.tandem.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class UdpTransportSpec {
    public static final int DEFAULT_PORT = 5798;
    /** The key of the Secret that holds the current key, unless authSecretRef.key names another. */
    public static final String DEFAULT_KEY = "key";

    /**
     * Where a Secret holds the previous key during a rotation: {@code previous} and the key's name with its first
     * letter in upper case, so {@code key} has {@code previousKey} beside it and {@code hmac} has {@code previousHmac}.
     */
    public static String previousKeyName(String keyName) {
        return "previous" + Character.toUpperCase(keyName.charAt(0)) + keyName.substring(1);
    }

    @Default("5798")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("UDP port the members listen on and send to.")
    public Integer port;

    @JsonPropertyDescription("Secret holding the HMAC-SHA256 key (at least 32 bytes; key default: key). During a key"
            + " rotation the old key sits beside it as previousKey (previous + the key's name capitalised) and both are"
            + " accepted. When omitted the operator creates a Secret named tandem-<pair>-auth with a random 32-byte"
            + " key. Standalone agents read DIR/<name>/<key> under --credentials-dir.")
    public SecretKeyRef authSecretRef;
}
