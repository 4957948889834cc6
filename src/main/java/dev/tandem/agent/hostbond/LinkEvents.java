package dev.tandem.agent.hostbond;

import dev.tandem.net.LinkMonitor;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Link notifications of the node's network namespace ({@link LinkMonitor} on a real node). */
public interface LinkEvents extends AutoCloseable {
    /** Waits at most {@code timeout}; the changes that arrived, empty on timeout. */
    List<LinkMonitor.Change> next(Duration timeout) throws IOException;

    @Override
    void close();

    static LinkEvents of(LinkMonitor monitor) {
        return new LinkEvents() {
            @Override
            public List<LinkMonitor.Change> next(Duration timeout) throws IOException {
                return monitor.next(timeout);
            }

            @Override
            public void close() {
                monitor.close();
            }
        };
    }
}
