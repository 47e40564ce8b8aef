package io.drover.roles;

/**
 * etcd answered a request with an error. {@link #code()} is the gRPC status code etcd gives it (the JSON gateway
 * passes it on), which is what callers decide on; the message is etcd's own, for display.
 */
public final class EtcdApiException extends EtcdException {
    /** The gRPC status codes etcd's membership API uses. */
    public enum Code {
        OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
        RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS,
        UNAUTHENTICATED;

        static Code of(int number) {
            return number >= 0 && number < values().length ? values()[number] : UNKNOWN;
        }

        /** Conditions that pass by themselves: an election, a busy or restarting member. */
        boolean transient_() {
            return this == UNAVAILABLE || this == DEADLINE_EXCEEDED || this == ABORTED || this == CANCELLED
                    || this == RESOURCE_EXHAUSTED || this == UNKNOWN || this == INTERNAL;
        }
    }

    private final Code code;

    EtcdApiException(Code code, String message) {
        super(message, null, code.transient_());
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
