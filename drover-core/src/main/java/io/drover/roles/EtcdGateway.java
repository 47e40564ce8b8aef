package io.drover.roles;

import io.drover.retry.Retry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * etcd's cluster API (member list, add as learner, promote, remove) and member status through the JSON gateway
 * every etcd 3.4+ member serves on its client port ({@code POST /v3/cluster/member/...}), with the JDK's HTTP
 * client: no gRPC stack for a handful of calls. Errors carry etcd's gRPC code, which is what callers decide on.
 *
 * <p>Each call goes to the endpoint that answered last, then to the others; calls that fail in a way that may pass
 * (no answer, an election, a member catching up) are retried by the given {@link Retry} until its deadline. Every
 * operation is idempotent: a retried add finds its member, a retried remove or promote finds its work done.
 */
public final class EtcdGateway implements AutoCloseable {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<String> endpoints;
    private final HttpClient http;
    private final Retry retry;
    private volatile int preferred;

    /**
     * @param clientUrls client URLs of members believed alive, e.g. {@code https://127.0.0.2:2379}
     * @param tls the client identity for a cluster with mutual TLS, or null
     */
    public EtcdGateway(List<String> clientUrls, SSLContext tls, Retry retry) {
        if (clientUrls.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoints");
        }
        this.endpoints = List.copyOf(clientUrls);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        this.retry = retry;
    }

    /** The cluster's members, as the cluster reports them. */
    public List<EtcdMember> list() throws EtcdException, InterruptedException {
        return retry.call(() -> members(post("/v3/cluster/member/list", Map.of()).path("members")), EtcdException::isTransient);
    }

    /** The member list from one try per endpoint, no retries: for a quick look (plan) that may come up empty. */
    public Optional<List<EtcdMember>> tryList() throws InterruptedException {
        try {
            return Optional.of(members(post("/v3/cluster/member/list", Map.of()).path("members")));
        } catch (EtcdException e) {
            return Optional.empty();
        }
    }

    /**
     * Adds a learner (a non-voting member, so quorum is unchanged until it is promoted) with this peer URL; returns
     * the members after the add. If a member with this peer URL exists already (a retried add whose answer was lost),
     * that is success.
     */
    public List<EtcdMember> addLearner(String peerUrl) throws EtcdException, InterruptedException {
        return retry.call(() -> {
            try {
                return members(post("/v3/cluster/member/add", Map.of("peerURLs", List.of(peerUrl), "isLearner", true)).path("members"));
            } catch (EtcdApiException e) {
                if (e.code() != EtcdApiException.Code.FAILED_PRECONDITION && e.code() != EtcdApiException.Code.ALREADY_EXISTS) {
                    throw e;
                }
                // "already exists", "not enough started members", "too many learners": the member list tells which.
                List<EtcdMember> now = members(post("/v3/cluster/member/list", Map.of()).path("members"));
                if (now.stream().anyMatch(m -> m.peerUrls().contains(peerUrl))) {
                    return now;
                }
                throw new EtcdException("cannot add a member at " + peerUrl + " yet: " + e.getMessage(), e, true);
            }
        }, EtcdException::isTransient);
    }

    /**
     * Makes a learner a voting member, waiting (retrying) until it has caught up with the leader. A member that is a
     * voter already is left as it is.
     */
    public void promote(long id) throws EtcdException, InterruptedException {
        retry.call(() -> {
            try {
                post("/v3/cluster/member/promote", Map.of("ID", Long.toUnsignedString(id)));
                return null;
            } catch (EtcdApiException e) {
                if (e.code() != EtcdApiException.Code.FAILED_PRECONDITION) {
                    throw e;
                }
                // "not a learner" (promoted by an earlier try) or "not in sync with the leader yet": the list tells which.
                Optional<EtcdMember> m = members(post("/v3/cluster/member/list", Map.of()).path("members")).stream()
                        .filter(x -> x.id() == id).findFirst();
                if (m.isEmpty()) {
                    throw new EtcdApiException(EtcdApiException.Code.NOT_FOUND, "member " + Long.toHexString(id) + " is not in the cluster");
                }
                if (!m.get().learner()) {
                    return null;
                }
                throw new EtcdException("learner " + Long.toHexString(id) + " has not caught up with the leader yet", e, true);
            }
        }, EtcdException::isTransient);
    }

    /** Removes a member; a member that is not there (removed by an earlier try) is success. */
    public void remove(long id) throws EtcdException, InterruptedException {
        retry.call(() -> {
            try {
                post("/v3/cluster/member/remove", Map.of("ID", Long.toUnsignedString(id)));
            } catch (EtcdApiException e) {
                if (e.code() != EtcdApiException.Code.NOT_FOUND) {
                    throw e;
                }
            }
            return null;
        }, EtcdException::isTransient);
    }

    /** Whether the member at this client URL says it is healthy ({@code GET /health}: it has a leader, no alarm). */
    public boolean healthy(String clientUrl, Duration timeout) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(clientUrl + "/health")).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        }
    }

    /** One member's view of the cluster: its id, the leader it follows, its raft index. Empty when it does not answer. */
    public Optional<MemberStatus> status(String clientUrl, Duration timeout) throws InterruptedException {
        try {
            JsonNode n = send(clientUrl, "/v3/maintenance/status", Map.of(), timeout);
            return Optional.of(new MemberStatus(id(n.path("header").path("member_id")), id(n.path("leader")),
                    id(n.path("raftIndex")), n.path("isLearner").asBoolean(false), n.path("version").asString("")));
        } catch (EtcdException e) {
            return Optional.empty();
        }
    }

    /** What {@link #status} reports. */
    public record MemberStatus(long memberId, long leaderId, long raftIndex, boolean learner, String version) {
        public boolean isLeader() {
            return memberId != 0 && memberId == leaderId;
        }
    }

    private JsonNode post(String path, Map<String, Object> body) throws EtcdException, InterruptedException {
        EtcdException last = null;
        int start = preferred;
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (start + i) % endpoints.size();
            try {
                JsonNode answer = send(endpoints.get(index), path, body, REQUEST_TIMEOUT);
                preferred = index;
                return answer;
            } catch (EtcdApiException e) {
                if (!e.isTransient()) {
                    preferred = index;
                    throw e; // the cluster answered: another member would say the same
                }
                last = e;
            } catch (EtcdException e) {
                last = e;
            }
        }
        throw last;
    }

    private JsonNode send(String endpoint, String path, Map<String, Object> body, Duration timeout) throws EtcdException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new EtcdException("no answer from " + endpoint + " (" + e.getClass().getSimpleName() + ")", e, true);
        }
        JsonNode n;
        try {
            n = JSON.readTree(r.body());
        } catch (JacksonException e) {
            throw new EtcdException(endpoint + path + " answered " + r.statusCode() + " with something that is not JSON", e, true);
        }
        if (r.statusCode() != 200 || n.has("error")) {
            String message = n.path("message").asString(n.path("error").asString("HTTP " + r.statusCode()));
            throw new EtcdApiException(EtcdApiException.Code.of(n.path("code").asInt(2)), message);
        }
        return n;
    }

    private static List<EtcdMember> members(JsonNode list) {
        List<EtcdMember> members = new ArrayList<>();
        for (JsonNode m : list) {
            members.add(new EtcdMember(id(m.path("ID")), m.path("name").asString(""), strings(m.path("peerURLs")),
                    strings(m.path("clientURLs")), m.path("isLearner").asBoolean(false)));
        }
        return members;
    }

    private static long id(JsonNode n) {
        String text = n.asString("0");
        try {
            return Long.parseUnsignedLong(text.isEmpty() ? "0" : text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> strings(JsonNode n) {
        List<String> list = new ArrayList<>();
        n.forEach(x -> list.add(x.asString()));
        return list;
    }

    @Override
    public void close() {
        http.close();
    }
}
