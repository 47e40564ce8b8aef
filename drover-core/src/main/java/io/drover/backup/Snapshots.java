package io.drover.backup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One etcd cluster's snapshots in a store: full snapshots ({@code full-REV.db}, committed by their manifest
 * {@code full-REV.json}, written last) and the deltas that continue each ({@code delta-FULL-TO.json}).
 */
public final class Snapshots {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern MANIFEST = Pattern.compile("full-(\\d{8}T\\d{9}Z)\\.json");
    private static final Pattern DELTA = Pattern.compile("delta-(\\d{8}T\\d{9}Z)-(\\d{20})\\.json");

    private final SnapshotStore store;
    private final String herd;
    private final String cluster;

    public Snapshots(SnapshotStore store, String herd, String cluster) {
        this.store = store;
        this.herd = herd;
        this.cluster = cluster;
    }

    /** A cluster's snapshots where its {@code backup:} block says: {@code TO/HERD/CLUSTER/}, unencrypted. */
    public static Snapshots of(String herd, io.drover.config.Cluster cluster) {
        return of(herd, cluster, null);
    }

    /**
     * A cluster's snapshots where its {@code backup:} block says: {@code TO/HERD/CLUSTER/}, encrypted with the state's key
     * when {@code codec} encrypts the state.
     */
    public static Snapshots of(String herd, io.drover.config.Cluster cluster, io.drover.state.StateCodec codec) {
        io.drover.config.BackupSpec spec = cluster.etcd().backup();
        SnapshotStore store = new DirectoryStore(spec.to().resolve(herd).resolve(cluster.name()));
        return new Snapshots(codec != null && codec.encrypts() ? new SealedStore(store, codec) : store, herd, cluster.name());
    }

    public SnapshotStore store() {
        return store;
    }

    public String cluster() {
        return cluster;
    }

    static String db(String id) {
        return "full-" + id + ".db";
    }

    static String manifest(String id) {
        return "full-" + id + ".json";
    }

    static String delta(String full, long to) {
        return String.format("delta-%s-%020d.json", full, to);
    }

    /** Writes a full snapshot: its bytes, then the manifest that makes it count. */
    public void writeFull(FullSnapshot full, byte[] db) throws BackupException {
        store.put(db(full.id()), db);
        ObjectNode m = JSON.createObjectNode().put("herd", full.herd()).put("cluster", full.cluster()).put("revision", full.revision())
                .put("time", full.time().toString()).put("keys", full.keys()).put("size", full.size());
        store.put(manifest(full.id()), JSON.writeValueAsBytes(m));
    }

    public void writeDelta(Delta delta) throws BackupException {
        ArrayNode changes = JSON.createArrayNode();
        Base64.Encoder b64 = Base64.getEncoder();
        for (Delta.Change c : delta.changes()) {
            ObjectNode n = changes.addObject().put("rev", c.revision()).put("key", b64.encodeToString(c.key()));
            if (!c.delete()) {
                n.put("value", b64.encodeToString(c.value()));
            }
        }
        ObjectNode d = JSON.createObjectNode().put("herd", delta.herd()).put("cluster", delta.cluster()).put("full", delta.full())
                .put("after", delta.after()).put("to", delta.to()).put("time", delta.time().toString());
        d.set("changes", changes);
        store.put(delta(delta.full(), delta.to()), JSON.writeValueAsBytes(d));
    }

    /** Every full snapshot, oldest first (from their manifests, checked to be this cluster's; ids sort by time). */
    public List<FullSnapshot> fulls() throws BackupException {
        List<FullSnapshot> fulls = new ArrayList<>();
        for (SnapshotStore.Entry e : store.list()) {
            if (MANIFEST.matcher(e.name()).matches()) {
                fulls.add(readManifest(e.name()));
            }
        }
        return fulls;
    }

    /** The full snapshot of that id. */
    public FullSnapshot full(String id) throws BackupException {
        if (!MANIFEST.matcher(manifest(id)).matches()) {
            throw new BackupException.Missing("'" + id + "' is not a snapshot id (ids are times such as 20261207T004803123Z;"
                    + " 'drover backups' lists them)");
        }
        return readManifest(manifest(id));
    }

    /** A full snapshot's bytes, checksum verified. */
    public byte[] db(FullSnapshot full) throws BackupException {
        return store.get(db(full.id()));
    }

    /** The names of a full snapshot's deltas with the revision each ends at, in order. */
    public Map<String, Long> deltaNames(String full) throws BackupException {
        Map<String, Long> names = new LinkedHashMap<>();
        for (SnapshotStore.Entry e : store.list()) {
            Matcher m = DELTA.matcher(e.name());
            if (m.matches() && m.group(1).equals(full)) {
                names.put(e.name(), Long.parseLong(m.group(2)));
            }
        }
        return names;
    }

    /**
     * A full snapshot's deltas written at or before {@code until} (every one when null), read and checked: this
     * cluster's, and an unbroken chain from the full snapshot's revision.
     */
    public List<Delta> deltas(FullSnapshot full, Instant until) throws BackupException {
        List<Delta> deltas = new ArrayList<>();
        long covered = full.revision();
        for (String name : deltaNames(full.id()).keySet()) {
            Delta d = readDelta(name);
            if (until != null && d.time().isAfter(until)) {
                break;
            }
            if (d.after() != covered) {
                throw new BackupException.Damaged("the deltas of snapshot " + full.id() + " in " + store.describe()
                        + " have a gap: one covers revisions after " + d.after() + ", but the previous ones end at " + covered
                        + " (a delta was deleted?); restore with --at before the gap, or from another snapshot");
            }
            covered = d.to();
            deltas.add(d);
        }
        return deltas;
    }

    /** Deletes the oldest full snapshots (with their deltas) beyond the newest {@code keep}; returns how many went. */
    public int collect(int keep) throws BackupException {
        List<FullSnapshot> fulls = fulls();
        int gone = 0;
        for (FullSnapshot old : fulls.subList(0, Math.max(0, fulls.size() - keep))) {
            store.delete(manifest(old.id())); // first: what is left is no longer a snapshot
            store.delete(db(old.id()));
            for (String delta : deltaNames(old.id()).keySet()) {
                store.delete(delta);
            }
            gone++;
        }
        return gone;
    }

    private FullSnapshot readManifest(String name) throws BackupException {
        JsonNode m = json(name);
        FullSnapshot full = new FullSnapshot(m.path("herd").asString(), m.path("cluster").asString(), m.path("revision").asLong(),
                instant(m, name), m.path("keys").asLong(), m.path("size").asLong());
        requireOurs(full.herd(), full.cluster(), name);
        return full;
    }

    private Delta readDelta(String name) throws BackupException {
        JsonNode d = json(name);
        requireOurs(d.path("herd").asString(), d.path("cluster").asString(), name);
        List<Delta.Change> changes = new ArrayList<>();
        Base64.Decoder b64 = Base64.getDecoder();
        try {
            for (JsonNode c : d.path("changes")) {
                changes.add(new Delta.Change(c.path("rev").asLong(), b64.decode(c.path("key").asString()),
                        c.has("value") ? b64.decode(c.path("value").asString()) : null));
            }
        } catch (IllegalArgumentException e) {
            throw new BackupException.Damaged(name + " in " + store.describe() + " holds a change that is not base64: " + e.getMessage());
        }
        return new Delta(d.path("herd").asString(), d.path("cluster").asString(), d.path("full").asString(), d.path("after").asLong(),
                d.path("to").asLong(), instant(d, name), changes);
    }

    private void requireOurs(String h, String c, String name) throws BackupException {
        if (!herd.equals(h) || !cluster.equals(c)) {
            throw new BackupException.WrongCluster(name + " in " + store.describe() + " was taken from cluster '" + c + "' of herd '" + h
                    + "', not from cluster '" + cluster + "' of herd '" + herd + "'; point 'backup.to' at this cluster's own snapshots");
        }
    }

    private JsonNode json(String name) throws BackupException {
        byte[] bytes = store.get(name);
        try {
            JsonNode node = JSON.readTree(bytes);
            if (!node.isObject()) {
                throw new BackupException.Damaged(name + " in " + store.describe() + " is not a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new BackupException.Damaged(name + " in " + store.describe() + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private Instant instant(JsonNode n, String name) throws BackupException {
        try {
            return Instant.parse(n.path("time").asString());
        } catch (java.time.DateTimeException e) {
            throw new BackupException.Damaged(name + " in " + store.describe() + " has no valid time");
        }
    }
}
