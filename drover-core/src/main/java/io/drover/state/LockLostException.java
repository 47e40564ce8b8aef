package io.drover.state;

/**
 * This process held the state lock but has lost it (its etcd lease expired, e.g. etcd was unreachable for longer
 * than the lock TTL, or someone ran {@code drover force-unlock}). Writes are refused from then on, because
 * another run may have taken the lock and be changing the herd.
 */
public class LockLostException extends StateException {
    public LockLostException(String message) {
        super(message);
    }
}
