package io.drover.engine;

import io.drover.apply.Event;
import io.drover.apply.EventSink;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.health.HealthProbe;
import io.drover.plan.Planner;
import io.drover.roles.EtcdPki;
import io.drover.spi.Instance;
import io.drover.spi.Tags;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateException;
import io.drover.state.StateStore;
import io.drover.state.StateVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * {@code drover import}: makes a state for running servers of the herd whose state was lost. Each server is recorded
 * from the tags Drover gave it; each etcd cluster's PKI is recovered from a state that still has it (a backup), and
 * only if that PKI's client identity is accepted by the running members: a CA that is not the cluster's would make
 * every new member a stranger.
 */
final class Importer {
    private final Herd herd;
    private final Engine.Listing listing;

    Importer(Herd herd, Engine.Listing listing) {
        this.herd = herd;
        this.listing = listing;
    }

    /** What an import found and recorded. */
    record Result(State state, List<String> imported, List<String> unhealthy, Map<String, String> pkiSources) {}

    /**
     * {@link #run} whose state is written with its outputs, by compare-and-swap on what it found (a state written
     * meanwhile is not overwritten), and each TLS cluster's client files under {@code .drover/pki/}.
     */
    Engine.ImportSummary record(StateStore store, Optional<State> current, Map<String, State> sources,
            Function<State, Map<String, String>> outputs, EventSink events) throws Exception {
        Result result = run(current, sources);
        State state = result.state();
        store.write(state.withOutputs(outputs.apply(state)).nextSerial(), current.map(StateVersion::of).orElse(StateVersion.NONE));
        new ClusterPkis(herd).writeClientFiles(Engine.workDir(herd), state, note -> events.emit(new Event.Note(herd.name(), note)));
        return new Engine.ImportSummary(result.imported(), result.unhealthy(), result.pkiSources());
    }

    /**
     * @param current the stored state, if any: it must record no servers
     * @param sources states that may hold the clusters' PKI (a backup), by a name for messages
     */
    Result run(Optional<State> current, Map<String, State> sources) throws Exception {
        if (current.isPresent() && !current.get().isEmpty()) {
            throw new StateException("the state already records " + current.get().servers().size()
                    + " servers: import only fills a missing or empty state (see 'drover show')");
        }
        List<Instance> instances = listing.instances();
        List<String> lineages = instances.stream().map(i -> i.tag(Tags.LINEAGE)).filter(l -> l != null).distinct().toList();
        if (lineages.size() > 1) {
            throw new StateException("the running servers of herd '" + herd.name() + "' come from " + lineages.size()
                    + " different states (lineages " + String.join(", ", lineages) + "); import cannot tell which to adopt");
        }
        String lineage = !lineages.isEmpty() ? lineages.get(0) : current.map(State::lineage).orElse(UUID.randomUUID().toString());
        Map<String, String> secrets = new HashMap<>(current.map(State::secrets).orElse(Map.of()));
        Map<String, String> pkiSources = new HashMap<>();
        Map<String, SSLContext> tls = new HashMap<>();
        for (Cluster c : herd.clusters().values()) {
            if (!ClusterPkis.usesTls(c)) {
                continue;
            }
            List<Instance> members = instances.stream().filter(i -> c.name().equals(i.tag(Tags.CLUSTER))).toList();
            if (members.isEmpty()) {
                continue;
            }
            Optional<Map.Entry<String, EtcdPki>> found = recoverPki(c, members, sources);
            if (found.isEmpty()) {
                throw new StateException("cannot recover the CA of etcd cluster '" + c.name() + "': none of "
                        + (sources.isEmpty() ? "the given states" : String.join(", ", sources.keySet()))
                        + " holds a CA whose client certificate its members accept. Drover needs that CA's key to issue"
                        + " certificates for new members: pass a state file that has it with --secrets-from FILE (an older"
                        + " copy or backup of the state)");
            }
            secrets = EtcdPki.clearSecrets(secrets, c.name());
            secrets.putAll(found.get().getValue().toSecrets(c.name()));
            pkiSources.put(c.name(), found.get().getKey());
            tls.put(c.name(), found.get().getValue().clientContext());
        }
        State state = new State(State.FORMAT_VERSION, lineage, current.map(State::serial).orElse(0L), herd.name(), List.of(),
                Map.of(), secrets);
        List<String> imported = new ArrayList<>();
        List<String> unhealthy = new ArrayList<>();
        try (HealthProbe probe = new HealthProbe(tls)) {
            for (Instance i : instances) {
                ServerRecord r = Planner.recordOf(i).onProvider(listing.providerOf().getOrDefault(i.id(), herd.provider().name()));
                Cluster c = herd.clusters().get(r.cluster());
                boolean healthy = c != null && i.status() == Instance.Status.RUNNING && probe.check(c, i).isUp();
                state = state.with(r.tainted(!healthy));
                imported.add(r.name());
                if (!healthy) {
                    unhealthy.add(r.name());
                }
            }
        }
        return new Result(state, imported, unhealthy, pkiSources);
    }

    /** The first source whose PKI the cluster's running members accept (a health check with its client identity). */
    private static Optional<Map.Entry<String, EtcdPki>> recoverPki(Cluster c, List<Instance> members, Map<String, State> sources) {
        for (Map.Entry<String, State> source : sources.entrySet()) {
            Optional<EtcdPki> pki = EtcdPki.fromSecrets(source.getValue().secrets(), c.name());
            if (pki.isEmpty()) {
                continue;
            }
            try (HealthProbe probe = new HealthProbe(Map.of(c.name(), pki.get().clientContext()))) {
                for (Instance m : members) {
                    if (m.status() == Instance.Status.RUNNING && probe.check(c, m).isUp()) {
                        return Optional.of(Map.entry(source.getKey(), pki.get()));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
