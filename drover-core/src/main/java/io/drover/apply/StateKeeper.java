package io.drover.apply;

import io.drover.state.State;
import io.drover.state.StateException;
import io.drover.state.StateStore;
import java.util.function.UnaryOperator;

/** The state during an apply: every change is written through at once, so a crash loses no step. */
public final class StateKeeper {
    private final StateStore store;
    private State state;

    public StateKeeper(StateStore store, State initial) {
        this.store = store;
        this.state = initial;
    }

    public synchronized State current() {
        return state;
    }

    public synchronized State update(UnaryOperator<State> change) throws StateException {
        State next = change.apply(state).nextSerial();
        store.write(next);
        state = next;
        return next;
    }
}
