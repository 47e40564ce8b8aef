package io.drover.config;

/** What a cluster's servers are, as far as the engine must care. */
public enum Role {
    /** Interchangeable servers: replace freely. */
    PLAIN,
    /** Members of one etcd cluster: rendered flags, membership add/remove, quorum-safe replacement. */
    ETCD
}
