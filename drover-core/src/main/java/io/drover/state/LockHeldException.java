package io.drover.state;

/** Someone else holds the state lock. */
public class LockHeldException extends StateException {
    private final LockInfo holder;

    public LockHeldException(String where, LockInfo holder) {
        this(where, holder, "wait for it to finish, or give a longer --lock-timeout; if that process is gone, the lock frees itself");
    }

    /** @param hint what to do, e.g. how long until a dead holder's lock expires */
    public LockHeldException(String where, LockInfo holder, String hint) {
        super("the state at " + where + " is locked by " + holder.describe() + " (" + hint + ")");
        this.holder = holder;
    }

    public LockInfo holder() {
        return holder;
    }
}
