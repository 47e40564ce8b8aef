package io.drover.render.pki;

/** What an issued certificate may be used for: its extended key usages. */
public enum Usage {
    /** TLS server authentication (e.g. etcd's peer and client ports). */
    SERVER,
    /** TLS client authentication (e.g. Drover's engine talking to etcd). */
    CLIENT
}
