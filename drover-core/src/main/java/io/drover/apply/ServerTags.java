package io.drover.apply;

import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Plan;
import io.drover.spi.Limits;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tags a new server gets, and the check that its provider takes them ({@link Limits}), made for every server of a
 * plan before the apply calls any provider: a cloud that refuses a tag refuses it for the first server as for the
 * last, so an apply that would fail half-way fails before it starts.
 */
final class ServerTags {
    private ServerTags() {}

    static Map<String, String> of(String herd, String lineage, ClusterTemplate template, Change change) {
        Map<String, String> tags = new HashMap<>();
        tags.put(Tags.HERD, herd);
        tags.put(Tags.CLUSTER, change.cluster());
        tags.put(Tags.RESOURCE, change.resource());
        tags.put(Tags.DIGEST, template.digest());
        tags.put(Tags.IMAGE_DIGEST, template.image().digest());
        tags.put(Tags.LINEAGE, lineage);
        return tags;
    }

    /**
     * Fails, not retryably, with every tag of the plan's new servers that their provider would refuse.
     *
     * @param lineage the lineage of the state the servers will be recorded in
     */
    static void check(Plan plan, String lineage, Providers providers) throws ProviderException {
        Set<String> problems = new LinkedHashSet<>();
        for (Change change : plan.changes()) {
            if (!launches(change.action())) {
                continue;
            }
            ClusterTemplate template = plan.clusters().get(change.cluster());
            if (template == null) {
                continue;
            }
            Limits limits = providers.limits(template.provider());
            for (String problem : limits.tagProblems(of(plan.herd(), lineage == null ? "" : lineage, template, change))) {
                problems.add("cluster '" + change.cluster() + "': " + problem);
            }
        }
        if (!problems.isEmpty()) {
            List<String> lines = new ArrayList<>(problems);
            throw new ProviderException("the provider would refuse the tags of the new servers, so nothing was changed:\n  "
                    + String.join("\n  ", lines) + "\nShorten the herd or cluster name if one of them is too long; the other tags are"
                    + " Drover's own, which a provider must be able to hold (docs/providers.md, 'Limits').");
        }
    }

    private static boolean launches(Action action) {
        return action == Action.CREATE || action == Action.REPLACE || action == Action.MIGRATE;
    }
}
