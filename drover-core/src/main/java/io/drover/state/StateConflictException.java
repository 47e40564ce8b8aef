package io.drover.state;

/**
 * A write was refused because the store no longer holds the state the writer read: someone else wrote in
 * between. Nothing was written; the writer must read again (re-run plan) rather than overwrite their work.
 */
public class StateConflictException extends StateException {
    private final StateVersion expected;
    private final StateVersion found;

    public StateConflictException(String where, StateVersion expected, StateVersion found) {
        super(message(where, expected, found));
        this.expected = expected;
        this.found = found;
    }

    public StateVersion expected() {
        return expected;
    }

    public StateVersion found() {
        return found;
    }

    private static String message(String where, StateVersion expected, StateVersion found) {
        String what;
        if (found.isNone()) {
            what = "the state at " + where + " was removed after this run read it (" + expected.describe() + ")";
        } else if (expected.isNone()) {
            what = "someone else created the herd's state at " + where + " after this run found none (it is now at "
                    + found.describe() + ")";
        } else if (!expected.sameLineage(found)) {
            what = "the state at " + where + " was replaced by one of another lineage (a 'state push --force', or another herd"
                    + " written to the same place) after this run read " + expected.describe();
        } else {
            what = "someone else changed the herd since you read it (this run read " + expected.describe() + ", the state at "
                    + where + " is now at " + found.describe() + ")";
        }
        return what + "; nothing was written: re-run plan";
    }
}
