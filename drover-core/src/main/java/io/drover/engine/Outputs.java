package io.drover.engine;

import io.drover.config.Herd;
import io.drover.config.Output;
import io.drover.config.Template;
import io.drover.state.State;
import java.util.LinkedHashMap;
import java.util.Map;

/** The herd file's outputs, resolved against a state (a reference to nothing resolves to an empty string). */
final class Outputs {
    private Outputs() {}

    static Map<String, String> of(Herd herd, State state) {
        Map<String, String> values = new LinkedHashMap<>();
        var scope = TemplateScope.herd(herd, state);
        for (Output o : herd.outputs().values()) {
            values.put(o.name(), Template.resolve(o.value(), ref -> {
                String v = scope.apply(ref);
                return v == null ? "" : v;
            }));
        }
        return values;
    }
}
