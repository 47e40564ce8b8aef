package io.drover.roles;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.cluster.Member;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runtime reconfiguration of an etcd cluster (member list / add / remove) through the v3 API, following
 * etcd's documented procedure: every call has a short timeout and is retried until a deadline, because a
 * remove during a leader election hangs and an add is refused ("unhealthy cluster") until the leader has
 * seen every voter for a few seconds.
 */
public final class EtcdMembership implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

    private final Client client;
    private final Duration deadline;

    /**
     * @param clientUrls client URLs of members believed alive
     * @param deadline how long one operation may retry
     */
    public EtcdMembership(List<String> clientUrls, Duration deadline, ClientCustomizer tls) {
        ClientBuilder builder = Client.builder()
                .endpoints(clientUrls.stream().map(URI::create).toList())
                .connectTimeout(Duration.ofSeconds(2))
                .retryMaxAttempts(2)
                .retryDelay(100)
                .retryMaxDelay(500);
        tls.customize(builder);
        this.client = builder.build();
        this.deadline = deadline;
    }

    /** Adds TLS (or anything else) to the jetcd client. */
    @FunctionalInterface
    public interface ClientCustomizer {
        ClientCustomizer NONE = b -> {};

        void customize(ClientBuilder builder);
    }

    public List<EtcdMember> list() throws EtcdException {
        return retry("list the members", () -> client.getClusterClient().listMember(),
                r -> r.getMembers().stream().map(EtcdMembership::member).toList());
    }

    /** Adds a voting member with this peer URL; returns the members after the add, the new one included. */
    public List<EtcdMember> add(String peerUrl) throws EtcdException {
        return retry("add a member at " + peerUrl, () -> client.getClusterClient().addMember(List.of(URI.create(peerUrl))),
                r -> r.getMembers().stream().map(EtcdMembership::member).toList());
    }

    public void remove(long id) throws EtcdException {
        try {
            retry("remove member " + Long.toHexString(id), () -> client.getClusterClient().removeMember(id), r -> r);
        } catch (EtcdException e) {
            // A retried remove whose first attempt went through is answered "member not found": that is success.
            if (!String.valueOf(e.getMessage()).contains("member not found")) {
                throw e;
            }
        }
    }

    @FunctionalInterface
    private interface Call<R> {
        CompletableFuture<R> start();
    }

    private <R, T> T retry(String what, Call<R> call, java.util.function.Function<R, T> map) throws EtcdException {
        Instant end = Instant.now().plus(deadline);
        Throwable last = null;
        long pause = 100;
        while (true) {
            CompletableFuture<R> f = call.start();
            try {
                return map.apply(f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                f.cancel(true);
                last = e;
            } catch (ExecutionException e) {
                last = e.getCause();
                if (String.valueOf(last.getMessage()).contains("member not found")) {
                    throw new EtcdException("cannot " + what + ": member not found", last);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EtcdException("interrupted while trying to " + what, e);
            }
            if (Instant.now().plusMillis(pause).isAfter(end)) {
                throw new EtcdException("cannot " + what + " within " + deadline.toSeconds() + " s: "
                        + (last instanceof TimeoutException ? "no answer" : String.valueOf(last.getMessage())), last);
            }
            try {
                Thread.sleep(pause); // backoff between attempts against a live cluster
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EtcdException("interrupted while trying to " + what, e);
            }
            pause = Math.min(pause * 2, 1000);
        }
    }

    private static EtcdMember member(Member m) {
        return new EtcdMember(m.getId(), m.getName(), m.getPeerURIs().stream().map(URI::toString).toList(),
                m.getClientURIs().stream().map(URI::toString).toList(), m.isLearner());
    }

    @Override
    public void close() {
        client.close();
    }
}
