package dev.tandem.agent.kubernetes;

import dev.tandem.agent.PairPlan;
import dev.tandem.agent.election.AuthKeySource;
import dev.tandem.agent.election.ElectionListener;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.Reason;
import dev.tandem.vrrp.RouterState;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Elections without a network: each starts as a real one does (INITIALIZE to BACKUP, Startup) and leaves as one does
 * (a Stop transition to INITIALIZE); in between the test drives the transitions through the listener.
 */
final class FakeElections implements ElectionRunner {
    final List<Fake> opened = new CopyOnWriteArrayList<>();

    @Override
    public Election open(PairPlan plan, ElectionListener listener, AuthKeySource keys) {
        Fake f = new Fake(plan, listener, keys);
        opened.add(f);
        f.become(new Action.BecomeBackup(RouterState.INITIALIZE, Reason.STARTUP), -1);
        return f;
    }

    Fake last() {
        return opened.getLast();
    }

    static final class Fake implements Election {
        final PairPlan plan;
        final ElectionListener listener;
        final AuthKeySource keys;
        volatile RouterState state = RouterState.INITIALIZE;
        volatile boolean closed;

        Fake(PairPlan plan, ElectionListener listener, AuthKeySource keys) {
            this.plan = plan;
            this.listener = listener;
            this.keys = keys;
        }

        void become(Action.Transition t, long takeoverMillis) {
            state = t.to();
            listener.transition(t, takeoverMillis);
        }

        void master(Reason reason, long takeoverMillis) {
            become(new Action.BecomeMaster(state, reason, List.of()), takeoverMillis);
        }

        void fault(Reason reason, String detail) {
            become(new Action.EnterFault(state, reason, detail), -1);
        }

        @Override
        public void close() {
            closed = true;
            become(new Action.Stop(state, Reason.SHUTDOWN), -1);
        }
    }
}
