package io.drover.view;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Plan;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The parts of a {@link HerdView} every command makes the same way, from the state, the herd file and a plan. */
public final class HerdViews {
    private HerdViews() {}

    /**
     * What the state records of a server.
     *
     * @param herd the herd file, {@code null} when it could not be read (then a server's provider is its own, if recorded)
     * @param now the time of the look, {@code null} for none (show: the same state gives the same document)
     */
    public static ServerView.Builder recorded(ServerRecord r, Herd herd, Instant now) {
        String provider = herd == null ? r.provider() : r.providerOr(herd.provider().name());
        String type = herd != null && provider != null && herd.providers().containsKey(provider) ? herd.providers().get(provider).type() : null;
        return ServerView.builder()
                .recorded(r.name(), r.resource(), r.cluster(), r.slot(), r.generation(), r.instanceId(), r.ip())
                .accessAddress(r.accessIp())
                .provider(provider, type)
                .created(r.createdAt() == null ? null : r.createdAt().toString(),
                        r.createdAt() == null || now == null ? null : Duration.between(r.createdAt(), now).toSeconds())
                .digest(r.digest())
                .tainted(r.tainted())
                .spare(r.spare());
    }

    /**
     * Whether the server is outdated, and why, as the planner says: its reason and what changed since the apply that
     * built the server ({@link Change#reason()}, {@link Change#diff()}), never worked out again here.
     *
     * @param template the cluster's desired identity, {@code null} when the herd file's images could not be resolved
     * @param change the plan's change that replaces or migrates this server, {@code null} when it has none
     */
    public static ServerView.Builder identity(ServerView.Builder s, ServerRecord r, ClusterTemplate template, Change change) {
        if (template == null) {
            return s;
        }
        boolean outdated = r.digest() != null && !template.digest().equals(r.digest());
        s.desired(template.digest(), outdated);
        if (outdated && change != null) {
            s.outdatedBecause(change.reason().text(), change.reason().name().toLowerCase(), DiffView.of(change.diff()));
        }
        return s;
    }

    /** The plan's replacements and migrations, by the name of the server they replace. */
    public static Map<String, Change> replacements(Plan plan) {
        Map<String, Change> byServer = new HashMap<>();
        for (Change c : plan.changes()) {
            if ((c.action() == Action.REPLACE || c.action() == Action.MIGRATE) && c.before() != null) {
                byServer.put(c.before().name(), c);
            }
        }
        return byServer;
    }

    /**
     * The clusters of the herd file in its order, then those the state still records but the file no longer has.
     *
     * @param herd {@code null} when the herd file could not be read: every cluster comes from the state
     */
    public static List<ClusterView> clusters(Herd herd, State state, Function<ServerRecord, ServerView> server) {
        Map<String, List<ServerView>> byCluster = new LinkedHashMap<>();
        if (herd != null) {
            herd.clusters().keySet().forEach(name -> byCluster.put(name, new ArrayList<>()));
        }
        for (ServerRecord r : state.servers()) {
            byCluster.computeIfAbsent(r.cluster(), k -> new ArrayList<>()).add(server.apply(r));
        }
        List<ClusterView> clusters = new ArrayList<>();
        byCluster.forEach((name, servers) -> {
            Cluster c = herd == null ? null : herd.clusters().get(name);
            clusters.add(ClusterView.of(name, c, servers));
        });
        return clusters;
    }
}
