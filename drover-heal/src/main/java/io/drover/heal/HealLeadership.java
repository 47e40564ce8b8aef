package io.drover.heal;

import io.drover.spi.Failures;
import io.drover.state.Election;
import io.drover.state.LeadershipLostException;
import io.drover.state.LockInfo;
import io.drover.state.StateException;
import java.util.Optional;

/**
 * Whether this heal replica may act now: it leads a term that is still surely valid. Takes the lead when nobody has
 * it, and reports each change (leading, following whom, stopped leading and why) once, as events and metrics.
 * Without an election (heal --once, tests) it always leads.
 */
final class HealLeadership implements AutoCloseable {
    private final Election election;
    private final HealListener listener;
    private final HealMetrics metrics;
    private Election.Term term;
    private volatile boolean held; // term != null, for readers that must not wait for the lock
    private String following;

    HealLeadership(Election election, HealListener listener, HealMetrics metrics) {
        this.election = election;
        this.listener = listener;
        this.metrics = metrics;
    }

    static HealLeadership alone(HealListener listener, HealMetrics metrics) {
        return new HealLeadership(null, listener, metrics);
    }

    /** True when this replica leads (taking the lead if it is free); false while another does. */
    synchronized boolean leading() throws StateException {
        if (election == null) {
            return true;
        }
        if (term != null) {
            try {
                term.ensureSafe();
                return true;
            } catch (LeadershipLostException e) {
                deposed(e);
            }
        }
        Optional<Election.Term> won = election.tryLead();
        if (won.isPresent()) {
            term = won.get();
            held = true;
            following = null;
            metrics.leading(true);
            listener.on(HealEvent.of(HealEvent.Kind.LEADERSHIP, null, null, null, "leading heal (term " + term.token() + ")"
                    + (election.acrossMachines() ? "" : "; the file state elects among replicas on this machine only: replicas on"
                            + " several machines need the etcd state backend (docs/state.md)")));
            return true;
        }
        return false;
    }

    /** Says once who leads while this replica follows. */
    synchronized void follow(Optional<LockInfo> leader) {
        String who = leader.map(l -> "pid " + l.pid() + " on " + l.host()).orElse("another replica");
        if (!who.equals(following)) {
            following = who;
            listener.on(HealEvent.of(HealEvent.Kind.LEADERSHIP, null, null, null, "following: " + who + " leads heal; taking over if it stops"));
        }
    }

    /** The term is over (lease doubtful, another leader seen): stop acting, say why, go back to watching. */
    synchronized void deposed(LeadershipLostException e) {
        if (term == null) {
            return;
        }
        held = false;
        term.resign(); // a no-op on etcd's side when the key is already someone else's
        term = null;
        metrics.leading(false);
        listener.on(HealEvent.of(HealEvent.Kind.LEADERSHIP, null, null, null, "stopped leading: " + Failures.message(e)
                + "; nothing more is done under that term, watching again"));
    }

    /** True while a term is held (or there is no election); read without the lock, by leader-only work elsewhere. */
    boolean holdsTerm() {
        return election == null || held;
    }

    synchronized Optional<Election.Term> term() {
        return Optional.ofNullable(term);
    }

    /** Steps down at once (SIGTERM, Ctrl-C) so that another replica takes over without waiting for the lease. */
    synchronized void resign() {
        if (term != null) {
            held = false;
            term.resign();
            term = null;
            metrics.leading(false);
            listener.on(HealEvent.of(HealEvent.Kind.LEADERSHIP, null, null, null, "resigned the lead"));
        }
    }

    /** Who else runs, for the follower's message: the roster's leader. */
    Election election() {
        return election;
    }

    @Override
    public synchronized void close() {
        resign();
        if (election != null) {
            election.close();
        }
    }
}
