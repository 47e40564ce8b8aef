package io.drover.plan;

/** What a change does to one server slot. */
public enum Action {
    /** A new server for an empty slot. */
    CREATE("+", "create"),
    /** A new server, then the old one goes (create-before-destroy while the old one still runs). */
    REPLACE("-/+", "replace"),
    /** A replacement on another provider: the cluster moves there, one server at a time. */
    MIGRATE("~>", "migrate"),
    /** The server goes. */
    DELETE("-", "destroy"),
    /** A server found running but missing from the state (a crash before the state was saved) is recorded. */
    ADOPT("<=", "adopt"),
    /**
     * A recorded server that is still starting (created by a run that was killed before it became healthy, within its
     * start timeout): apply waits for it instead of replacing it; a member that does not answer yet is not dead.
     */
    AWAIT("..", "wait for"),
    /**
     * The cluster's spare takes the place of the slot's failed server: the failed server leaves its cluster and goes,
     * the spare is promoted (etcd: from learner to voter; plain: into the load balancer's pool) and recorded in the slot.
     */
    PROMOTE("^", "promote"),
    /** Nothing to do. */
    NO_OP(" ", "keep");

    private final String symbol;
    private final String verb;

    Action(String symbol, String verb) {
        this.symbol = symbol;
        this.verb = verb;
    }

    public String symbol() {
        return symbol;
    }

    public String verb() {
        return verb;
    }
}
