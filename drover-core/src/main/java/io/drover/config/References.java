package io.drover.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Checks the {@code ${...}} references of a template against what the engine can resolve (see {@link Template}),
 * so that a typo fails at load time instead of half-way through an apply.
 */
final class References {

    /** Where a template may be: some references only have a value for one server. */
    enum Scope { FIRST_BOOT, OUTPUT, IMAGE }

    /** A {@code ${clusters.NAME...}} reference: an implicit dependency on cluster NAME. */
    record ClusterRef(String cluster, SourcePosition where) {}

    static final List<String> NAMESPACES = List.of("var", "herd", "cluster", "server", "clusters");
    static final List<String> CLUSTER_ATTRIBUTES = List.of("name", "size", "peers", "ips");
    static final List<String> SERVER_ATTRIBUTES = List.of("name", "ip", "index");
    static final List<String> CLUSTERS_ATTRIBUTES = List.of("ips", "names", "endpoints", "ca_file", "cert_file", "key_file");

    private final Map<String, String> variables;
    private final Set<String> clusters;
    private final Problems problems;

    /**
     * @param variables the herd's variables and their values
     * @param clusters every cluster name in the file, in declared order (for suggestions)
     */
    References(Map<String, String> variables, Collection<String> clusters, Problems problems) {
        this.variables = new LinkedHashMap<>(variables);
        this.clusters = new LinkedHashSet<>(clusters);
        this.problems = problems;
    }

    Set<String> clusters() {
        return java.util.Collections.unmodifiableSet(clusters);
    }

    /**
     * @param positionOf where character N of {@code text} was written
     * @param prefix put before messages, e.g. {@code "motd.txt line 3: "} for a local file's contents
     * @return the clusters referenced through {@code ${clusters.NAME...}}
     */
    List<ClusterRef> check(String text, IntFunction<SourcePosition> positionOf, Scope scope, String prefix) {
        return check(text, positionOf, scope, prefix, false);
    }

    /**
     * @param singleLine the text ends up on one line (a unit file's line, a path, a user name): variables used in
     *     it must hold no line break or other control character, or they would add lines to what is rendered
     */
    List<ClusterRef> check(String text, IntFunction<SourcePosition> positionOf, Scope scope, String prefix, boolean singleLine) {
        List<ClusterRef> refs = new ArrayList<>();
        if (text == null || !text.contains("${")) {
            return refs;
        }
        Template template;
        try {
            template = Template.parse(text);
        } catch (Template.TemplateSyntaxException e) {
            problems.add(positionOf.apply(e.offset()), prefix + "template error: " + e.getMessage(), "write $${ for a literal ${");
            return refs;
        }
        List<String> names = template.references();
        List<Integer> offsets = template.referenceOffsets();
        for (int i = 0; i < names.size(); i++) {
            SourcePosition where = positionOf.apply(offsets.get(i));
            String name = names.get(i);
            Issue issue = issue(name, scope, refs, where, singleLine);
            if (issue != null) {
                problems.add(where, prefix + issue.message(), issue.hint());
            }
        }
        return refs;
    }

    /** @param hint made only when the problem is reported (suggestions compare with every variable or cluster) */
    private record Issue(String message, Supplier<String> hint) {
        Issue(String message, String hint) {
            this(message, () -> hint);
        }
    }

    /** What is wrong with reference {@code name}, or {@code null} when it is fine. */
    private Issue issue(String name, Scope scope, List<ClusterRef> refs, SourcePosition where, boolean singleLine) {
        String[] parts = name.split("\\.");
        String ref = "${" + name + "}";
        switch (parts[0]) {
            case "var" -> {
                if (parts.length != 2) {
                    return new Issue(ref + " is not a variable reference", "write ${var.NAME}");
                }
                String value = variables.get(parts[1]);
                if (value == null) {
                    return new Issue("undefined variable '" + parts[1] + "' in " + ref, () -> "define it under 'variables:'"
                            + (variables.isEmpty() ? "" : "; " + Problems.suggest(parts[1], variables.keySet())));
                }
                int bad = singleLine ? Problems.controlCharacter(value) : -1;
                if (bad >= 0) {
                    return new Issue("variable '" + parts[1] + "' holds " + Problems.describeCharacter(value.charAt(bad))
                            + ", but " + ref + " is used where the value must be one line",
                            "remove it from the variable's value, or write the value here directly");
                }
                return null;
            }
            case "herd" -> {
                boolean ok = parts.length == 2 && parts[1].equals("name");
                return ok ? null : new Issue("unknown reference " + ref, "only ${herd.name} exists");
            }
            case "cluster", "server" -> {
                List<String> allowed = parts[0].equals("cluster") ? CLUSTER_ATTRIBUTES : SERVER_ATTRIBUTES;
                if (scope == Scope.IMAGE) {
                    return new Issue(ref + " has no value in an image", "an image is the same for every server and cluster;"
                            + " only ${var.NAME} and ${herd.name} can be used in images (per-server values belong in firstBoot)");
                }
                if (scope == Scope.OUTPUT) {
                    return new Issue(ref + " has no value in outputs", "${" + parts[0]
                            + ".*} only exists inside a cluster's firstBoot; use ${clusters.NAME.ips|names|endpoints}");
                }
                if (parts.length != 2 || !allowed.contains(parts[1])) {
                    return new Issue("unknown reference " + ref, (parts.length == 2 ? Problems.suggest(parts[1], allowed) + " " : "")
                            + "(allowed: " + allowed.stream().map(a -> "${" + parts[0] + "." + a + "}").toList() + ")");
                }
                return null;
            }
            case "clusters" -> {
                if (scope == Scope.IMAGE) {
                    return new Issue(ref + " has no value in an image", "only ${var.NAME} and ${herd.name} can be used in images");
                }
                if (parts.length != 3) {
                    return new Issue(ref + " is not a cluster reference",
                            "write ${clusters.NAME.ips}, ${clusters.NAME.names} or ${clusters.NAME.endpoints}");
                }
                if (!clusters.contains(parts[1])) {
                    return new Issue("unknown cluster '" + parts[1] + "' in " + ref, () -> Problems.suggest(parts[1], clusters));
                }
                if (parts[2].equals("lb_url")) {
                    // Known once the load balancer exists, which is after every server's first boot.
                    if (scope != Scope.OUTPUT) {
                        return new Issue(ref + " can only be used in outputs", "a load balancer's address is known once it exists; pass it to clients through an output");
                    }
                    return null;
                }
                if (!CLUSTERS_ATTRIBUTES.contains(parts[2])) {
                    return new Issue("unknown cluster attribute '" + parts[2] + "' in " + ref,
                            Problems.suggest(parts[2], CLUSTERS_ATTRIBUTES) + " (allowed: ips, names, endpoints; lb_url in outputs; for etcd clusters also ca_file, cert_file, key_file)");
                }
                refs.add(new ClusterRef(parts[1], where));
                return null;
            }
            default -> {
                return new Issue("unknown reference " + ref, "references start with var., herd., cluster., server. or clusters.;"
                        + " write $${" + name + "} for a literal ${" + name + "}");
            }
        }
    }
}
