package io.drover.roles;

/** An etcd membership operation failed; the message says which and why. */
public class EtcdException extends Exception {
    public EtcdException(String message, Throwable cause) {
        super(message, cause);
    }

    public EtcdException(String message) {
        super(message);
    }
}
