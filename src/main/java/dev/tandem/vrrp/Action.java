package dev.tandem.vrrp;

import java.util.List;
import java.util.Objects;

/**
 * What the driver must do after an input to a {@link VirtualRouter}, in list order. The router has already changed
 * its own state; the actions only carry the effects on the outside world.
 */
public sealed interface Action {

    /** Send this advert now, from the router's primary address (RFC 5798 §5.1). */
    record SendAdvert(Advert advert) implements Action {
        public SendAdvert {
            Objects.requireNonNull(advert, "advert");
        }

        public int priority() {
            return advert.priority();
        }
    }

    /** A change of state, to record as an Event and in status history. */
    sealed interface Transition extends Action {
        RouterState from();

        RouterState to();

        Reason reason();
    }

    /**
     * Install the virtual addresses and announce them: gratuitous ARP for IPv4, unsolicited Neighbor Advertisement
     * for IPv6 (RFC 5798 §6.4.1, §6.4.2); for a cloud provider, move the floating IP here.
     */
    record BecomeMaster(RouterState from, Reason reason, List<IpAddress> addresses) implements Transition {
        public BecomeMaster {
            addresses = List.copyOf(addresses);
        }

        @Override
        public RouterState to() {
            return RouterState.MASTER;
        }
    }

    /** Make sure the virtual addresses are not held here (a backup must not answer for them, RFC 5798 §6.4.2). */
    record BecomeBackup(RouterState from, Reason reason) implements Transition {
        @Override
        public RouterState to() {
            return RouterState.BACKUP;
        }
    }

    /** Release the virtual addresses and stop advertising until the fault clears. */
    record EnterFault(RouterState from, Reason reason, String detail) implements Transition {
        @Override
        public RouterState to() {
            return RouterState.FAULT;
        }
    }

    /** Release the virtual addresses; the router is back in Initialize and needs {@link VirtualRouter#start}. */
    record Stop(RouterState from, Reason reason) implements Transition {
        @Override
        public RouterState to() {
            return RouterState.INITIALIZE;
        }
    }
}
