package io.drover.state;

/**
 * This process led {@code drover heal} and may no longer: its lease may have expired (a pause, etcd out of reach),
 * another replica holds the leader key now, or it resigned. Whatever it was about to do is not done; the caller goes
 * back to watching. A {@link LockLostException} so that code which already stops on a lost lock stops on this too.
 */
public final class LeadershipLostException extends LockLostException {
    public LeadershipLostException(String message) {
        super(message);
    }
}
