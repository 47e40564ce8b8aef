package io.drover.plan;

import io.drover.state.AppliedHerd;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Explains replacements: compares the identity facts the state recorded for a server's digest (at the apply that
 * built it) with the facts of the cluster's template now. Also says which facts an apply records, so the next plan
 * can explain itself.
 */
public final class IdentityDiffs {
    private IdentityDiffs() {}

    /** The changes, each replacement of a server whose identity changed carrying what changed. */
    public static List<Change> explain(List<Change> changes, State state, Map<String, ClusterTemplate> templates) {
        Map<String, Map<String, String>> recorded = state.applied() == null ? Map.of() : state.applied().identities();
        List<Change> explained = new ArrayList<>(changes.size());
        for (Change c : changes) {
            ClusterTemplate t = templates.get(c.cluster());
            boolean newIdentity = (c.action() == Action.REPLACE || c.action() == Action.MIGRATE || c.action() == Action.PROMOTE) && c.before() != null && t != null
                    && c.desiredDigest() != null && !c.desiredDigest().equals(c.before().digest());
            explained.add(newIdentity ? c.withDiff(diff(c.before(), recorded.get(c.before().digest()), t)) : c);
        }
        return explained;
    }

    private static IdentityDiff diff(ServerRecord before, Map<String, String> was, ClusterTemplate now) {
        if (was == null || now.facts().isEmpty()) {
            return new IdentityDiff.Unknown("the state does not record what " + before.name()
                    + " was built from (it predates this Drover's apply); the next apply records it");
        }
        Set<String> paths = new TreeSet<>(was.keySet());
        paths.addAll(now.facts().keySet());
        List<IdentityDiff.Field> fields = new ArrayList<>();
        for (String path : paths) {
            String a = was.get(path);
            String b = now.facts().get(path);
            if (a == null || !a.equals(b)) {
                fields.add(new IdentityDiff.Field(path, a, b));
            }
        }
        return new IdentityDiff.Known(fields);
    }

    /**
     * What an apply of {@code plan} records: the facts of each template it applies, and those already recorded for
     * digests that servers of the prior state still carry (a server an interrupted apply left unreplaced).
     */
    public static Map<String, Map<String, String>> toRecord(Plan plan) {
        Map<String, Map<String, String>> record = new LinkedHashMap<>();
        AppliedHerd before = plan.prior().applied();
        if (before != null) {
            Set<String> carried = new HashSet<>();
            plan.prior().servers().forEach(s -> carried.add(s.digest()));
            before.identities().forEach((digest, facts) -> {
                if (carried.contains(digest)) {
                    record.put(digest, facts);
                }
            });
        }
        for (ClusterTemplate t : plan.clusters().values()) {
            if (!t.facts().isEmpty()) {
                record.put(t.digest(), t.facts());
            }
        }
        return record;
    }
}
