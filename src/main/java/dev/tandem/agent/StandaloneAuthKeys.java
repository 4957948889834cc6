package dev.tandem.agent;

import dev.tandem.agent.election.AuthKeySource;
import dev.tandem.vrrp.udp.AuthKey;
import dev.tandem.vrrp.udp.Keyring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Standalone mode: the udp transport's keys from files laid out like a mounted Secret, {@code DIR/<secret>/<key>} and,
 * during a rotation, {@code DIR/<secret>/<previousKey>}, under {@code --credentials-dir}. Read again every few seconds,
 * so replacing the files rotates the keys.
 */
public final class StandaloneAuthKeys implements AuthKeySource {
    private final Path secretDir;
    private final PairPlan.Udp udp;

    public StandaloneAuthKeys(Path credentialsDir, PairPlan.Udp udp) {
        this.secretDir = credentialsDir.resolve(udp.secretName());
        this.udp = udp;
    }

    @Override
    public Keyring load() throws IOException {
        Path keyFile = secretDir.resolve(udp.keyName());
        byte[] key = read(keyFile);
        if (key == null) {
            throw new IOException("file " + keyFile + " does not exist; a standalone agent reads the udp transport's key"
                    + " from --credentials-dir/<spec.transport.udp.authSecretRef.name>/<key>");
        }
        Path previousFile = secretDir.resolve(udp.previousKeyName());
        byte[] previous = read(previousFile);
        try {
            return new Keyring(AuthKey.fromStored(key, "file " + keyFile),
                    previous == null ? null : AuthKey.fromStored(previous, "file " + previousFile));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        try {
            if (Files.size(file) > 64 * 1024) {
                throw new IOException("file " + file + " is larger than 64 KiB; it should hold one key");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public String describe() {
        return "files " + secretDir.resolve(udp.keyName()) + " and, when present, " + secretDir.resolve(udp.previousKeyName());
    }
}
