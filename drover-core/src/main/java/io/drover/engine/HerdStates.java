package io.drover.engine;

import io.drover.config.Herd;
import io.drover.state.State;
import io.drover.state.StateException;
import io.drover.state.StateStore;
import java.util.Optional;

/** Reads a herd's state from its store, refusing a state that belongs to another herd. */
final class HerdStates {
    private HerdStates() {}

    static Optional<State> read(Herd herd, StateStore store) throws StateException {
        Optional<State> state = store.read();
        if (state.isPresent() && !state.get().herd().equals(herd.name()) && !state.get().isEmpty()) {
            throw new StateException("the state at " + store.describe() + " belongs to herd '" + state.get().herd()
                    + "', not '" + herd.name() + "' (rename the herd back, or use another directory)");
        }
        return state;
    }
}
