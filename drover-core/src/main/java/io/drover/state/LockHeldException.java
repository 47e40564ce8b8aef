package io.drover.state;

/** Someone else holds the state lock. */
public class LockHeldException extends StateException {
    private final LockInfo holder;

    public LockHeldException(String where, LockInfo holder) {
        super("the state at " + where + " is locked by " + holder.describe()
                + " (wait for it to finish; if that process is gone, the lock frees itself)");
        this.holder = holder;
    }

    public LockInfo holder() {
        return holder;
    }
}
