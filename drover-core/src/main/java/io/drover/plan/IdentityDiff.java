package io.drover.plan;

import java.util.List;
import java.util.Objects;

/**
 * What changed in a server's identity between the server as built and the herd file now, as Terraform shows it
 * ({@code ~ etcd.flags.election-timeout: 1000 -> 1200}). For display only: apply decides from a {@link Change}'s
 * explicit fields (its action and desired digest), never from this.
 */
public sealed interface IdentityDiff {

    /** Nothing to show: a create, a delete, a kept server, or a replacement for another reason than a new identity. */
    IdentityDiff NONE = new None();

    /** Nothing to show. */
    record None() implements IdentityDiff {}

    /** The fields that differ, by path; none when only inputs outside the herd file differ. */
    record Known(List<Field> fields) implements IdentityDiff {
        public Known {
            fields = List.copyOf(fields);
        }
    }

    /**
     * The identity changed, but what it was built from is not known: the state was written by a Drover that did not
     * record it (or the server predates every recorded apply). The next apply records it.
     */
    record Unknown(String why) implements IdentityDiff {
        public Unknown {
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * One differing field.
     *
     * @param before as the server was built, {@code null} when the field is new
     * @param after as the herd file says now, {@code null} when the field went away
     */
    record Field(String path, String before, String after) {
        public Field {
            Objects.requireNonNull(path, "path");
        }

        /** {@code +} added, {@code -} removed, {@code ~} changed, as in Terraform. */
        public String symbol() {
            return before == null ? "+" : after == null ? "-" : "~";
        }

        /** {@code etcd.flags.election-timeout: 1000 -> 1200}. */
        public String describe() {
            return path + ": " + (before == null ? after : after == null ? before : before + " -> " + after);
        }
    }
}
