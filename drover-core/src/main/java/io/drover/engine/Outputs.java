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

    /** @param loadBalancerUrls a cluster's load balancer URL, or null ({@code ${clusters.NAME.lb_url}}) */
    static Map<String, String> of(Herd herd, State state, java.util.function.Function<String, String> loadBalancerUrls) {
        Map<String, String> values = new LinkedHashMap<>();
        var herdScope = TemplateScope.herd(herd, state);
        java.util.function.Function<String, String> scope = ref -> {
            String[] p = ref.split("\\.");
            return p.length == 3 && p[0].equals("clusters") && p[2].equals("lb_url") ? loadBalancerUrls.apply(p[1]) : herdScope.apply(ref);
        };
        for (Output o : herd.outputs().values()) {
            values.put(o.name(), Template.resolve(o.value(), ref -> {
                String v = scope.apply(ref);
                return v == null ? "" : v;
            }));
        }
        return values;
    }
}
