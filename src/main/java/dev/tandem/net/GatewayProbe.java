package dev.tandem.net;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/** Asks a gateway through one interface whether it is there: one question, one answer or none within a timeout. */
public interface GatewayProbe extends Closeable {
    /**
     * Sends one probe and waits at most {@code timeout} for the gateway's answer.
     *
     * @return true when the gateway answered in time
     * @throws IOException when the probe cannot be sent at all (the interface is gone, no permission); a link that is
     *                     down is no error, only no answer
     */
    boolean probe(Duration timeout) throws IOException;

    /** What is probed, e.g. {@code "ARP for 10.0.1.1 on eth0"}. */
    String describe();

    @Override
    void close();
}
