package io.drover.heal;

import io.drover.state.Election;

/**
 * Work only the heal leader does, besides healing (a scheduled backup, say): run after each pass while this replica
 * leads, never by a follower. A task that changes the world calls {@code StateStore.beforeAction} first, like the
 * engine, so a leader deposed meanwhile does not start it. Its failures are reported and the loop goes on.
 */
@FunctionalInterface
public interface LeaderTask {
    void run(Election.Term term) throws Exception;
}
