package io.drover.apply;

import io.drover.spi.Failures;
import io.drover.state.State;
import java.util.List;

/**
 * How an apply ended.
 *
 * @param failures one per failed step; empty when everything went through
 */
public record ApplyResult(State state, int done, List<Failure> failures, int skipped) {
    public ApplyResult {
        failures = List.copyOf(failures);
    }

    public boolean ok() {
        return failures.isEmpty() && skipped == 0;
    }

    /** One failed step: where, and the typed cause (callers decide on its type, never on its message). */
    public record Failure(String resource, String cluster, Exception cause) {
        public String message() {
            return Failures.message(cause);
        }

        @Override
        public String toString() {
            return resource + ": " + message();
        }
    }

    /** The failures as lines for people ("etcd[1]: ..."). */
    public List<String> failureLines() {
        return failures.stream().map(Failure::toString).toList();
    }
}
