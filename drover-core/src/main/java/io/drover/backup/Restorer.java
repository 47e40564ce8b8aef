package io.drover.backup;

import io.drover.addr.ServerName;
import io.drover.apply.ApplyResult;
import io.drover.apply.Predecessor;
import io.drover.config.Cluster;
import io.drover.engine.Engine;
import io.drover.plan.Plan;
import io.drover.plan.Planner;
import io.drover.spi.Instance;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.state.StateStore;
import io.drover.state.StateVersion;
import io.etcd.jetcd.Client;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code drover restore}: brings an etcd cluster back as fresh servers holding a backup's data. In this order, so that
 * nothing is destroyed before the backup is known to restore, and a killed restore is finished by the next one:
 * <ol>
 * <li>read the full snapshot and its deltas (checksums, herd and cluster, an unbroken chain), restore them into a
 * scratch etcd on this machine (etcd's own {@code snapshot restore} checks the snapshot's hash) and replay the deltas
 * there: the data to restore, and its digest;
 * <li>record the restore (which snapshot, which servers are the old ones) in the store, as {@code restore.json};
 * <li>destroy what is left of the old servers, dropping each from the state;
 * <li>apply the cluster: with no member recorded it is created as a new cluster, same slots, new names (above the old
 * ones), where the provider can the same addresses (so the herd's outputs do not change), the same client PKI;
 * <li>copy every key from the scratch etcd into it and check that it holds exactly the scratch etcd's keys and values;
 * <li>delete the record.
 * </ol>
 * The data goes in through the client API rather than as each member's data directory: that works on every provider,
 * with no way into the servers. The keys and values are the backup's; their revisions and leases are not (the cluster
 * is a new one anyway, with a new cluster id).
 */
public final class Restorer {
    static final String JOURNAL = "restore.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Engine engine;
    private final StateStore store;
    private final Path binaries;
    private final Consumer<String> say;

    /**
     * @param store the herd's state store; the caller holds its lock
     * @param binaries where etcd and etcdctl are, for the scratch etcd
     */
    public Restorer(Engine engine, StateStore store, Path binaries, Consumer<String> say) {
        this.engine = engine;
        this.store = store;
        this.binaries = binaries;
        this.say = say;
    }

    /** Which backup to restore: a snapshot by id, else the newest taken at or before {@code at} (null: now). */
    public record Choice(String snapshot, Instant at) {
        public static final Choice NEWEST = new Choice(null, null);
    }

    /** What a restore did. */
    public record Result(String cluster, FullSnapshot full, int deltas, long revision, long keys, List<String> servers, boolean resumed) {}

    public Result restore(Cluster cluster, Snapshots snapshots, Choice asked) throws Exception {
        Journal pending = journal(snapshots);
        Choice choice = asked;
        if (pending != null) {
            say.accept("an interrupted restore of snapshot " + pending.snapshot() + " (until " + pending.until() + ") is finished first");
            choice = new Choice(pending.snapshot(), pending.until());
        }
        FullSnapshot full = choose(snapshots, choice);
        List<Delta> deltas = snapshots.deltas(full, choice.at());
        long revision = deltas.isEmpty() ? full.revision() : deltas.getLast().to();
        say.accept("restoring cluster '" + cluster.name() + "' from snapshot " + full.id() + " (revision " + full.revision() + ", "
                + full.keys() + " keys) and " + deltas.size() + " delta(s), up to revision " + revision);
        byte[] db = snapshots.db(full);
        try (ScratchMember scratch = ScratchMember.seed(db, binaries, "snapshot " + full.id())) {
            KeySpace.replay(scratch.client(), deltas);
            KeySpace.Digest expected = KeySpace.digest(scratch.client());
            say.accept("snapshot and deltas read and checked: " + expected.keys() + " keys");
            if (pending == null) {
                Instant until = deltas.isEmpty() ? full.time() : deltas.getLast().time();
                List<ServerRecord> records = engine.state().cluster(cluster.name());
                Map<String, String> addresses = new LinkedHashMap<>();
                records.stream().filter(r -> r.ip() != null).forEach(r -> addresses.put(r.name(), r.ip()));
                pending = new Journal(full.id(), choice.at() == null ? until : choice.at(), records.stream().map(ServerRecord::name).toList(),
                        addresses);
                writeJournal(snapshots, pending);
            }
            destroyOld(cluster, pending.old());
            List<String> servers = create(cluster, pending.predecessors(cluster.name()));
            State state = engine.state();
            BackupLoop.Members members = ClusterAccess.members(cluster, state);
            try (Client target = EtcdClients.of(members.clientUrls().getFirst(), members.pki())) {
                long copied = KeySpace.copy(scratch.client(), target);
                KeySpace.Digest restored = KeySpace.digest(target);
                if (!restored.equals(expected)) {
                    throw new BackupException.Incomplete("cluster '" + cluster.name() + "' holds " + restored.keys() + " keys after the restore, but the"
                            + " backup has " + expected.keys() + " (or other values): a client wrote to it meanwhile? Run 'drover restore' again", null);
                }
                say.accept("copied " + copied + " keys into the new cluster: it holds exactly the backup's keys and values");
            }
            snapshots.store().delete(JOURNAL);
            return new Result(cluster.name(), full, deltas.size(), revision, expected.keys(), servers, asked != choice);
        }
    }

    private static FullSnapshot choose(Snapshots snapshots, Choice choice) throws BackupException {
        if (choice.snapshot() != null) {
            return snapshots.full(choice.snapshot());
        }
        List<FullSnapshot> fulls = snapshots.fulls();
        if (fulls.isEmpty()) {
            throw new BackupException.Missing("there is no full snapshot of cluster '" + snapshots.cluster() + "' in " + snapshots.store().describe()
                    + " ('drover backup' takes one; is 'backup.to' the directory they went to?)");
        }
        FullSnapshot chosen = null;
        for (FullSnapshot f : fulls) {
            if (choice.at() == null || !f.time().isAfter(choice.at())) {
                chosen = f;
            }
        }
        if (chosen == null) {
            throw new BackupException.NothingBefore(choice.at() + " is before the first full snapshot of cluster '" + snapshots.cluster() + "' ("
                    + fulls.getFirst().time() + "): there is nothing to restore that point from; give a later --at");
        }
        return chosen;
    }

    /** Destroys the old servers that still exist and drops every old one from the state. */
    private void destroyOld(Cluster cluster, List<String> old) throws Exception {
        State state = engine.state();
        Set<String> ids = engine.list().instances().stream().map(Instance::id).collect(Collectors.toSet());
        for (ServerRecord r : state.cluster(cluster.name())) {
            if (!old.contains(r.name())) {
                continue; // made by this restore before it was interrupted
            }
            if (ids.contains(r.instanceId())) {
                say.accept("destroying " + r.name());
                engine.provider(r.providerOr(engine.herd().provider().name())).destroy(r.instanceId());
            }
            State read = engine.state();
            store.write(read.without(r.name()).nextSerial(), StateVersion.of(read));
        }
    }

    /**
     * Applies the cluster alone: with none of its members recorded, it starts as a new cluster, each slot's server named
     * after the old one's and, where the provider can, on its address.
     */
    private List<String> create(Cluster cluster, List<Predecessor> predecessors) throws Exception {
        Plan plan = engine.plan(Planner.Options.APPLY);
        Plan ours = plan.withChanges(plan.changesOf(cluster.name()));
        if (ours.hasChanges()) {
            ApplyResult result = engine.apply(ours, predecessors);
            if (!result.ok()) {
                throw new BackupException.Incomplete("the new members of cluster '" + cluster.name() + "' did not come up: "
                        + String.join("; ", result.failureLines()) + ". Run 'drover restore' again to finish", null);
            }
        }
        List<String> servers = new ArrayList<>();
        engine.state().cluster(cluster.name()).forEach(r -> servers.add(r.name()));
        return servers;
    }

    /**
     * The record of a restore under way: which snapshot, up to when, which servers were the old cluster's and their
     * addresses (a record written before addresses were kept has none: the new servers then get any).
     */
    record Journal(String snapshot, Instant until, List<String> old, Map<String, String> addresses) {
        Journal {
            old = List.copyOf(old);
            addresses = Map.copyOf(addresses);
        }

        /** Each slot's newest old server: the new one is named above it and asks for its address. */
        List<Predecessor> predecessors(String cluster) {
            Map<String, Predecessor> bySlot = new TreeMap<>();
            for (String name : old) {
                Optional<ServerName> parsed = ServerName.parse(name);
                if (parsed.isEmpty() || !parsed.get().cluster().equals(cluster)) {
                    continue;
                }
                Predecessor p = new Predecessor(ServerRecord.resource(cluster, parsed.get().slot()), parsed.get().generation(), addresses.get(name));
                bySlot.merge(p.resource(), p, (a, b) -> a.generation() >= b.generation() ? a : b);
            }
            return List.copyOf(bySlot.values());
        }
    }

    private static Journal journal(Snapshots snapshots) throws BackupException {
        if (snapshots.store().list().stream().noneMatch(e -> e.name().equals(JOURNAL))) {
            return null;
        }
        JsonNode j = JSON.readTree(snapshots.store().get(JOURNAL));
        List<String> old = new ArrayList<>();
        j.path("old").forEach(n -> old.add(n.asString()));
        Map<String, String> addresses = new LinkedHashMap<>();
        j.path("addresses").properties().forEach(e -> addresses.put(e.getKey(), e.getValue().asString()));
        return new Journal(j.path("snapshot").asString(), Instant.parse(j.path("until").asString()), old, addresses);
    }

    private static void writeJournal(Snapshots snapshots, Journal journal) throws BackupException {
        ObjectNode j = JSON.createObjectNode().put("snapshot", journal.snapshot()).put("until", journal.until().toString());
        journal.old().forEach(j.putArray("old")::add);
        ObjectNode addresses = j.putObject("addresses");
        journal.addresses().forEach(addresses::put);
        snapshots.store().put(JOURNAL, JSON.writeValueAsBytes(j));
    }

    /** Whether a restore of this cluster was interrupted (apply and heal leave such a cluster to {@code drover restore}). */
    public static boolean pending(Snapshots snapshots) throws BackupException {
        return journal(snapshots) != null;
    }
}
