package io.drover.state;

/**
 * A shared store holds an older serial of the state's lineage than this checkout has already seen: an old copy
 * was put back (by hand, or by someone with write access to the storage). Refused rather than planned from.
 */
public class StateRollbackException extends StateException {
    public StateRollbackException(String where, long found, long seen, java.nio.file.Path seenFile) {
        super("the state at " + where + " is at serial " + found + ", but this checkout has already seen serial " + seen
                + " of it: it was rolled back, an old copy put back in its place. Find out who did it before going on. An old"
                + " state restored on purpose is pushed with 'drover state push --force FILE', which stores it as a newer serial;"
                + " to accept this one as it is, delete " + seenFile);
    }
}
