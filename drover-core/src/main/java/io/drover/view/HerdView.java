package io.drover.view;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A herd, as {@code show --json}, {@code status --json} and {@code /api/herd} give it. Parts a command does not look
 * at are {@code null} (show checks no health; only the web view asks for etcd's raft status and the lock holder).
 *
 * @param apiVersion {@link #API_VERSION}: within one version fields are only added, never renamed or removed
 * @param provider the provider of servers that do not name their own ({@code null} when the herd file is unreadable)
 * @param file the herd file, {@code null} when not known
 * @param serial the state's serial and lineage ({@code null} when the state could not be read)
 * @param lock who holds the state lock, {@code null} when it is free or was not asked
 * @param problems what could not be looked at, in words; the rest is still filled in
 * @param heal who runs {@code drover heal} (leader, replicas): {@code status --json} and the web view; {@code null} when not asked
 */
@JsonIgnoreProperties(value = "servers", allowGetters = true)
public record HerdView(
        int apiVersion, String herd, String provider, List<ProviderView> providers, String file, String generatedAt, Long serial,
        String lineage, LockView lock, Map<String, String> outputs, List<String> problems, List<ClusterView> clusters,
        HealView heal) {

    /** One integer, as in the web API's {@code /api/v1/} path: a change that breaks a reader would make it 2. */
    public static final int API_VERSION = 1;

    public HerdView {
        providers = providers == null ? List.of() : List.copyOf(providers);
        outputs = outputs == null ? Map.of() : outputs;
        problems = problems == null ? List.of() : List.copyOf(problems);
        clusters = List.copyOf(clusters);
    }

    /** A view that does not say who heals ({@code show --json}). */
    public HerdView(int apiVersion, String herd, String provider, List<ProviderView> providers, String file, String generatedAt, Long serial,
            String lineage, LockView lock, Map<String, String> outputs, List<String> problems, List<ClusterView> clusters) {
        this(apiVersion, herd, provider, providers, file, generatedAt, serial, lineage, lock, outputs, problems, clusters, null);
    }

    public HerdView withHeal(HealView h) {
        return new HerdView(apiVersion, herd, provider, providers, file, generatedAt, serial, lineage, lock, outputs, problems, clusters, h);
    }

    /** A named provider of the herd file. */
    public record ProviderView(String name, String type) {}

    /**
     * Every server of {@link #clusters()}, in one list: the shape {@code show --json} and {@code status --json} always
     * had. Derived, so it is written but not read back.
     */
    @JsonProperty("servers")
    public List<ServerView> servers() {
        return clusters.stream().flatMap(c -> c.servers().stream()).toList();
    }
}
