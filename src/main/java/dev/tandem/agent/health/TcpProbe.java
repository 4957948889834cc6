package dev.tandem.agent.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Opens a TCP connection; an accepted connection is healthy. */
public final class TcpProbe implements HealthProbe {
    private final String host;
    private final int port;

    public TcpProbe(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    public Result run(Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return Result.ok();
        } catch (IOException e) {
            return Result.failed("tcp " + host + ":" + port + ": " + e.getMessage());
        }
    }
}
