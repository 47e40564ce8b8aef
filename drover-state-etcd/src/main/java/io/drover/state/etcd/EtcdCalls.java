package io.drover.state.etcd;

import io.drover.state.StateException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** jetcd's futures as blocking calls with a deadline, their failures as {@link StateException}s that say where. */
final class EtcdCalls {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    private final String where;

    EtcdCalls(String where) {
        this.where = where;
    }

    <T> T call(String what, Supplier<CompletableFuture<T>> op) throws StateException {
        return await(what, op.get());
    }

    <T> T await(String what, CompletableFuture<T> future) throws StateException {
        return await(what, future, CALL_TIMEOUT);
    }

    <T> T await(String what, CompletableFuture<T> future, Duration timeout) throws StateException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timedOut(what, e);
        } catch (ExecutionException e) {
            throw failed(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateException("interrupted while asking etcd to " + what, e);
        }
    }

    StateException timedOut(String what, TimeoutException e) {
        return new StateException("etcd did not answer within " + CALL_TIMEOUT.toSeconds() + " s when asked to " + what + " (" + where
                + "): is it running, and are the endpoints and TLS settings right?", e);
    }

    StateException failed(String what, ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return new StateException("etcd refused to " + what + " (" + where + "): " + cause.getMessage(), cause);
    }
}
