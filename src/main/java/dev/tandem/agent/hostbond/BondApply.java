package dev.tandem.agent.hostbond;

import dev.tandem.net.ErrnoException;
import dev.tandem.net.InstalledAddress;
import dev.tandem.net.LinkState;
import dev.tandem.net.Route;

import java.io.IOException;

/**
 * Makes a node's network what a {@link Plan.Bond} says, in the order the kernel needs (bonding.rst; iproute2's
 * {@code ip link set DEV master BOND}): create the bond (or change the options of the one that exists), then for each
 * slave take its addresses off, set it down (the kernel refuses to enslave an interface that is up) and enslave it;
 * bring the bond up, put the addresses on it and the routes through it. A slave already in the bond is left alone, so
 * applying again changes only what differs.
 */
final class BondApply {
    private BondApply() {
    }

    static void apply(HostNetwork net, Plan.Bond plan, NodeNetwork before) throws ApplyException {
        LinkState bond;
        try {
            if (before.link(plan.name()).isPresent()) {
                bond = net.link(plan.name());
                net.changeBond(bond, plan.options());
            } else {
                net.createBond(plan.name(), plan.options());
                bond = net.link(plan.name());
            }
        } catch (IOException e) {
            throw new ApplyException((before.link(plan.name()).isPresent() ? "changing" : "creating") + " bond "
                    + plan.name(), e);
        }
        for (String name : plan.slaves()) {
            String step = "enslaving " + name + " to " + plan.name();
            try {
                LinkState slave = net.link(name);
                if (slave.master() == bond.index()) {
                    continue;
                }
                step = "taking the addresses off " + name;
                for (InstalledAddress a : before.configuredAddresses(slave.index())) {
                    net.removeAddress(slave, a.address(), a.prefixLength());
                }
                step = "setting " + name + " down to enslave it";
                if (slave.isUp()) {
                    net.setUp(slave, false);
                }
                step = "enslaving " + name + " to " + plan.name();
                net.setMaster(net.link(name), bond);
            } catch (IOException e) {
                throw new ApplyException(step, e);
            }
        }
        try {
            net.setUp(net.link(plan.name()), true);
            for (String name : plan.slaves()) {
                LinkState slave = net.link(name);
                if (!slave.isUp()) {
                    net.setUp(slave, true); // the kernel opens a slave as it enslaves it; this is for older ones
                }
            }
        } catch (IOException e) {
            throw new ApplyException("bringing " + plan.name() + " and its slaves up", e);
        }
        LinkState up = link(net, plan.name());
        for (Plan.HostAddress a : plan.addresses()) {
            try {
                net.addAddress(up, a.address(), a.prefixLength(), "");
            } catch (IOException e) {
                throw new ApplyException("adding an address to " + plan.name(), e);
            }
        }
        for (Route r : plan.routes()) {
            Route onBond = r.onInterface(up.index());
            try {
                net.addRoute(onBond);
            } catch (ErrnoException e) {
                if (e.errno() != ErrnoException.EEXIST) {
                    throw new ApplyException("adding the route " + onBond.describe(plan.name()), e);
                }
            } catch (IOException e) {
                throw new ApplyException("adding the route " + onBond.describe(plan.name()), e);
            }
        }
    }

    private static LinkState link(HostNetwork net, String name) throws ApplyException {
        try {
            return net.link(name);
        } catch (IOException e) {
            throw new ApplyException("reading " + name, e);
        }
    }
}
