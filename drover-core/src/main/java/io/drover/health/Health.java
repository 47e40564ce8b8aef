package io.drover.health;

/** The result of one health check. */
public record Health(Status status, String detail) {

    public enum Status {
        /** Answered and healthy. */
        UP,
        /** Answered, but unhealthy (etcd without a leader, HTTP 500). */
        SICK,
        /** Refused or reset: nothing listens, the server is likely dead. */
        DOWN,
        /** No answer in time: frozen or partitioned. */
        TIMEOUT
    }

    public boolean isUp() {
        return status == Status.UP;
    }

    public static Health up() {
        return new Health(Status.UP, "healthy");
    }
}
