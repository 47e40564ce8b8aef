package io.drover.apply;

import io.drover.state.State;
import java.util.List;

/**
 * How an apply ended.
 *
 * @param failures one line per failed step ("etcd[1]: ..."); empty when everything went through
 */
public record ApplyResult(State state, int done, List<String> failures, int skipped) {
    public ApplyResult {
        failures = List.copyOf(failures);
    }

    public boolean ok() {
        return failures.isEmpty() && skipped == 0;
    }
}
