package io.drover.health;

import javax.net.ssl.SSLContext;

/** A client's TLS identity for talking to servers that require one (etcd with mutual TLS). */
public interface TlsMaterial {
    SSLContext sslContext();
}
