package io.drover.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What Drover knows it owns: one immutable snapshot, written after every step of an apply.
 *
 * @param lineage a random id given when the herd is first applied; a state of another lineage is refused
 * @param serial increases with every write, so a stale writer can be told apart
 * @param secrets generated material kept across runs (PKI keys); never printed
 * @param applied the herd file as last applied (heal rebuilds servers from it), or null before the first apply
 * @param destroyed the last change to the herd was a destroy (finished or not): heal leaves it alone until an apply
 */
public record State(
        int formatVersion, String lineage, long serial, String herd, List<ServerRecord> servers,
        Map<String, String> outputs, Map<String, String> secrets, AppliedHerd applied, boolean destroyed) {

    public static final int FORMAT_VERSION = 1;

    /**
     * Servers by cluster, slot and generation. Written out rather than composed with Comparator.comparing: the JDK's
     * composed comparators are lambdas made inside java.util.Comparator, which the start-up cache does not keep, and
     * making them cost every command that reads a state some 10 ms of a cold JVM.
     */
    private static final Comparator<ServerRecord> ORDER = (a, b) -> {
        int byCluster = a.cluster().compareTo(b.cluster());
        if (byCluster != 0) {
            return byCluster;
        }
        int bySlot = Integer.compare(a.slot(), b.slot());
        return bySlot != 0 ? bySlot : Integer.compare(a.generation(), b.generation());
    };

    public State {
        servers = servers.stream().sorted(ORDER).toList();
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        secrets = Map.copyOf(secrets);
    }

    public State(int formatVersion, String lineage, long serial, String herd, List<ServerRecord> servers,
            Map<String, String> outputs, Map<String, String> secrets) {
        this(formatVersion, lineage, serial, herd, servers, outputs, secrets, null, false);
    }

    public static State empty(String herd) {
        return new State(FORMAT_VERSION, UUID.randomUUID().toString(), 0, herd, List.of(), Map.of(), Map.of(), null, false);
    }

    public boolean isEmpty() {
        return servers.isEmpty();
    }

    public Optional<ServerRecord> server(String name) {
        return servers.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public List<ServerRecord> cluster(String cluster) {
        return servers.stream().filter(s -> s.cluster().equals(cluster)).toList();
    }

    /** A copy with {@code record} added or, if a server of the same name exists, put in its place. */
    public State with(ServerRecord record) {
        List<ServerRecord> copy = new ArrayList<>(servers.stream().filter(s -> !s.name().equals(record.name())).toList());
        copy.add(record);
        return new State(formatVersion, lineage, serial, herd, copy, outputs, secrets, applied, destroyed);
    }

    public State without(String name) {
        return new State(formatVersion, lineage, serial, herd,
                servers.stream().filter(s -> !s.name().equals(name)).toList(), outputs, secrets, applied, destroyed);
    }

    public State withOutputs(Map<String, String> newOutputs) {
        return new State(formatVersion, lineage, serial, herd, servers, newOutputs, secrets, applied, destroyed);
    }

    public State withSecrets(Map<String, String> newSecrets) {
        return new State(formatVersion, lineage, serial, herd, servers, outputs, newSecrets, applied, destroyed);
    }

    public State nextSerial() {
        return new State(formatVersion, lineage, serial + 1, herd, servers, outputs, secrets, applied, destroyed);
    }

    /** A copy recording what is being applied now (and that the herd is no longer destroyed). */
    public State withApplied(AppliedHerd newApplied) {
        return new State(formatVersion, lineage, serial, herd, servers, outputs, secrets, newApplied, false);
    }

    /** A copy recording that the herd is being destroyed: heal must not bring it back. */
    public State markDestroyed() {
        return new State(formatVersion, lineage, serial, herd, servers, outputs, secrets, applied, true);
    }
}
