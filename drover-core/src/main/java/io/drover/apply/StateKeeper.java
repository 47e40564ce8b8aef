package io.drover.apply;

import io.drover.state.State;
import io.drover.state.StateException;
import io.drover.state.StateStore;
import io.drover.state.StateVersion;
import java.util.function.UnaryOperator;

/**
 * The state during an apply: every change is written through at once, so a crash loses no step. Each write is a
 * compare-and-swap on the version written before it (the first on the version the plan read), so a run whose
 * state was changed by someone else stops at its next step instead of overwriting their work.
 */
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

    /** Before an action that changes the world: the store may refuse it (a heal leader that lost its term). */
    public void beforeAction(String resource, String action) throws StateException {
        store.beforeAction(resource, action);
    }

    public synchronized State update(UnaryOperator<State> change) throws StateException {
        State next = change.apply(state).nextSerial();
        store.write(next, StateVersion.of(state));
        state = next;
        return next;
    }
}
