package dev.tandem.agent.hostbond;

import dev.tandem.net.ErrnoException;
import dev.tandem.net.InstalledAddress;
import dev.tandem.net.LinkState;
import dev.tandem.net.Route;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Puts a node's network back as it was recorded before a change, for the interfaces the change touched: releases
 * slaves, deletes bonds that did not exist, restores each interface's up or down state and its addresses, then the
 * routes of the main table (missing ones added back, tandem's own that were not there removed). It goes on after a
 * step fails and reports every failure: half a restore is better than none.
 */
final class Restore {
    private Restore() {
    }

    /** @return what could not be restored, one sentence each; empty when all was */
    static List<String> restore(HostNetwork net, NodeNetwork before, Set<String> touched) {
        List<String> failures = new ArrayList<>();
        NodeNetwork now = snapshot(net, failures);
        if (now == null) {
            return failures;
        }
        for (LinkState link : now.links()) {
            Optional<LinkState> was = before.link(link.name());
            if (!touched.contains(link.name()) || was.isEmpty() || link.master() == was.get().master()) {
                continue;
            }
            attempt(failures, "releasing " + link.name() + " from " + now.name(link.master()), () -> net.setMaster(link,
                    was.get().master() == 0 ? null : now.link(was.get().master()).orElse(null)));
        }
        for (LinkState link : now.links()) {
            if (touched.contains(link.name()) && before.link(link.name()).isEmpty()) {
                attempt(failures, "deleting " + link.name(), () -> net.deleteLink(link));
            }
        }
        for (String name : touched) {
            Optional<LinkState> was = before.link(name);
            Optional<LinkState> is = now.link(name);
            if (was.isPresent() && is.isPresent() && was.get().bond() != null && is.get().bond() != null
                    && !was.get().bond().equals(is.get().bond())) {
                attempt(failures, "restoring the options of bond " + name, () -> net.changeBond(is.get(),
                        was.get().bond()));
            }
        }
        for (String name : touched) {
            Optional<LinkState> was = before.link(name);
            if (was.isEmpty()) {
                continue;
            }
            attempt(failures, "setting " + name + (was.get().isUp() ? " up" : " down"), () -> {
                LinkState link = net.link(name);
                if (link.isUp() != was.get().isUp()) {
                    net.setUp(link, was.get().isUp());
                }
            });
        }
        NodeNetwork linked = snapshot(net, failures);
        if (linked == null) {
            return failures;
        }
        for (String name : touched) {
            Optional<LinkState> was = before.link(name);
            Optional<LinkState> is = linked.link(name);
            if (was.isEmpty() || is.isEmpty()) {
                continue;
            }
            List<InstalledAddress> want = before.configuredAddresses(was.get().index());
            List<InstalledAddress> have = linked.configuredAddresses(is.get().index());
            for (InstalledAddress a : have) {
                if (want.stream().noneMatch(w -> w.matches(a.address(), a.prefixLength()))) {
                    attempt(failures, "removing " + a.text() + " from " + name,
                            () -> net.removeAddress(is.get(), a.address(), a.prefixLength()));
                }
            }
            for (InstalledAddress a : want) {
                if (have.stream().noneMatch(h -> h.matches(a.address(), a.prefixLength()))) {
                    attempt(failures, "adding " + a.text() + " back to " + name,
                            () -> net.addAddress(is.get(), a.address(), a.prefixLength(), a.label()));
                }
            }
        }
        NodeNetwork addressed = snapshot(net, failures);
        if (addressed == null) {
            return failures;
        }
        for (Route r : addressed.routes()) {
            if (r.protocol() == Route.TANDEM_PROTOCOL && !before.routes().contains(r)) {
                attempt(failures, "removing " + addressed.describe(r), () -> net.deleteRoute(r));
            }
        }
        for (Route r : before.routes()) {
            if (r.protocol() == Route.PROTOCOL_KERNEL || r.protocol() == Route.PROTOCOL_RA
                    || addressed.routes().contains(r)) {
                continue;
            }
            attempt(failures, "adding back " + before.describe(r), () -> {
                try {
                    net.addRoute(r);
                } catch (ErrnoException e) {
                    if (e.errno() != ErrnoException.EEXIST) {
                        throw e;
                    }
                    net.appendRoute(r); // it was one of several at the same metric (seed 000's two default routes)
                }
            });
        }
        return failures;
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void attempt(List<String> failures, String what, Step step) {
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            failures.add(what + ": " + e.getMessage());
        }
    }

    private static NodeNetwork snapshot(HostNetwork net, List<String> failures) {
        try {
            return net.snapshot();
        } catch (IOException e) {
            failures.add("reading the node's network: " + e.getMessage());
            return null;
        }
    }
}
