package dev.tandem.agent.election;

import dev.tandem.vrrp.udp.Keyring;

import java.io.IOException;

/**
 * Where the udp transport's keys come from: a Secret (Kubernetes mode) or files laid out like a mounted Secret
 * (standalone). Asked once when the election opens and then every {@link AgentNode#KEY_CHECK}, on a thread that must
 * not wait long: implementations read a cache or a local file, never the network.
 */
public interface AuthKeySource {
    /**
     * The keys as they are now.
     *
     * @throws IOException naming the Secret or file and what is wrong (missing, too short), never a key
     */
    Keyring load() throws IOException;

    /** Where the keys come from, for logs: {@code Secret ns/web-auth, keys key and previousKey}. */
    String describe();

    /** For pairs that use the vrrp transport: asking for keys is a bug. */
    AuthKeySource NONE = new AuthKeySource() {
        @Override
        public Keyring load() throws IOException {
            throw new IOException("this pair has no udp transport keys");
        }

        @Override
        public String describe() {
            return "none";
        }
    };
}
