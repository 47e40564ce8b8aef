package io.drover.engine;

import io.drover.config.HerdSource;
import io.drover.plan.Identity;
import io.drover.plan.IdentityDiffs;
import io.drover.plan.Plan;
import io.drover.state.AppliedHerd;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/** What the state records as applied: the herd's source (for heal) and what its identities cover (for plan's diffs). */
final class AppliedSource {
    private AppliedSource() {}

    /** What the state records as applying {@code plan}: the herd's source, and what its identities cover (plan shows diffs from it). */
    static AppliedHerd of(HerdSource source, Plan plan) {
        AppliedHerd applied = of(source);
        return applied == null ? null : applied.withIdentities(IdentityDiffs.toRecord(plan));
    }

    /** The herd's source text and local files, with a digest. */
    static AppliedHerd of(HerdSource source) {
        if (source == null) {
            return null;
        }
        StringBuilder all = new StringBuilder(source.text());
        new TreeMap<>(source.localFiles()).forEach((k, v) -> all.append('\0').append(k).append('\0').append(v));
        return new AppliedHerd(source.text(), source.localFiles(), Identity.sha256(all.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
