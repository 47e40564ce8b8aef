package io.drover.roles;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Read-only: what each member of an etcd cluster says about itself through the maintenance {@code Status} call
 * (etcdctl's {@code endpoint status}): its member id, the leader it follows, its raft index and term, whether it
 * is a learner. Every member is asked at once with a short timeout, so a dead or frozen member costs one timeout.
 */
public final class EtcdStatus implements AutoCloseable {
    private final Client client;
    private final List<String> clientUrls;
    private final Duration timeout;

    /**
     * What one member answered.
     *
     * @param memberId the member that answered (from the response header)
     * @param leaderId the leader it knows of; 0 while there is none (an election, or no quorum)
     * @param raftIndex its raft log index; behind the others' while it catches up
     */
    public record Member(String endpoint, long memberId, long leaderId, long raftIndex, long raftTerm, boolean learner,
            String version, long dbSize) {

        public boolean leader() {
            return leaderId != 0 && leaderId == memberId;
        }
    }

    /** One endpoint's answer: a member, or why there is none ({@code error}). */
    public record Answer(String endpoint, Member member, String error) {}

    /**
     * @param clientUrls the cluster's client URLs (members believed to exist; any of them may be dead)
     * @param tls the cluster's client identity ({@link EtcdPki#jetcd()}), or {@link EtcdMembership.ClientCustomizer#NONE}
     */
    public EtcdStatus(List<String> clientUrls, EtcdMembership.ClientCustomizer tls, Duration timeout) {
        if (clientUrls.isEmpty()) {
            throw new IllegalArgumentException("no client URLs to ask");
        }
        ClientBuilder builder = Client.builder()
                .endpoints(clientUrls.stream().map(URI::create).toList())
                .connectTimeout(timeout)
                .retryMaxAttempts(0);
        tls.customize(builder);
        this.client = builder.build();
        this.clientUrls = List.copyOf(clientUrls);
        this.timeout = timeout;
    }

    public List<String> clientUrls() {
        return clientUrls;
    }

    /** Asks every endpoint at once; answers by client URL, in the order given, all within the timeout. */
    public Map<String, Answer> ask() throws InterruptedException {
        Map<String, CompletableFuture<StatusResponse>> pending = new LinkedHashMap<>();
        Map<String, Answer> answers = new LinkedHashMap<>();
        for (String url : clientUrls) {
            try {
                // jetcd dials a channel of its own to this one endpoint (host:port), with the client's TLS settings.
                URI u = URI.create(url);
                pending.put(url, client.getMaintenanceClient().statusMember(u.getHost() + ":" + u.getPort()));
            } catch (RuntimeException e) {
                answers.put(url, new Answer(url, null, describe(e)));
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, CompletableFuture<StatusResponse>> e : pending.entrySet()) {
            String url = e.getKey();
            try {
                StatusResponse r = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                answers.put(url, new Answer(url, new Member(url, r.getHeader().getMemberId(), r.getLeader(), r.getRaftIndex(),
                        r.getRaftTerm(), r.isLearner(), r.getVersion(), r.getDbSize()), null));
            } catch (TimeoutException ex) {
                e.getValue().cancel(true);
                answers.put(url, new Answer(url, null, "no answer within " + timeout.toMillis() + " ms"));
            } catch (ExecutionException ex) {
                answers.put(url, new Answer(url, null, describe(ex.getCause())));
            }
        }
        Map<String, Answer> ordered = new LinkedHashMap<>();
        clientUrls.forEach(u -> ordered.put(u, answers.get(u)));
        return ordered;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void close() {
        client.close();
    }
}
