package io.drover.view;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.plan.IdentityDiff;
import java.util.List;

/**
 * What changed in a server's identity since the apply that built it, as {@code plan --json}'s {@code diff}:
 * {@code {"known": true, "fields": [...]}} or {@code {"known": false, "why": "..."}}. For display only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DiffView(boolean known, List<Field> fields, String why) {

    /** @param before {@code null} for an added field; {@code after} {@code null} for a removed one */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Field(String path, String before, String after) {}

    /** {@code null} when there is nothing to show. */
    public static DiffView of(IdentityDiff diff) {
        return switch (diff) {
            case IdentityDiff.None none -> null;
            case IdentityDiff.Known known -> new DiffView(true,
                    known.fields().stream().map(f -> new Field(f.path(), f.before(), f.after())).toList(), null);
            case IdentityDiff.Unknown unknown -> new DiffView(false, null, unknown.why());
        };
    }
}
