package io.drover.cli;

import io.drover.bake.BakeException;
import io.drover.bake.ImageStore;
import io.drover.bake.Recipe;
import io.drover.image.BakedImage;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "images", description = "List the baked images of the herd's image store: size, age, and which clusters and servers use them.",
        subcommands = ImagesCommand.Prune.class)
final class ImagesCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    /** One stored image and who uses it. */
    record Row(BakedImage image, List<String> clusters, int servers) {
        boolean used() {
            return !clusters.isEmpty() || servers > 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        Usage usage = Usage.of(session);
        List<Row> rows = usage.rows();
        if (options.json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", r.image().name());
                m.put("digest", r.image().digest());
                m.put("path", r.image().directory().toString());
                m.put("bytes", r.image().bytes());
                m.put("createdAt", r.image().createdAt().toString());
                m.put("outputs", r.image().outputs().stream().sorted().toList());
                m.put("clusters", r.clusters());
                m.put("servers", r.servers());
                out.add(m);
            }
            System.out.println(Json.pretty(Map.of("store", usage.store.directory().toString(), "images", out,
                    "current", usage.offline == null)));
            return ExitCodes.OK;
        }
        Style style = Style.detect(options.noColor);
        if (rows.isEmpty()) {
            System.out.println("No baked images in " + usage.store.directory() + " (run 'drover bake').");
            return ExitCodes.OK;
        }
        System.out.printf(Locale.ROOT, "%-16s %-19s %9s %8s  %s%n", "IMAGE", "DIGEST", "SIZE", "AGE", "USED BY");
        for (Row r : rows) {
            String used = r.used() ? String.join(", ", r.clusters()) + (r.servers() > 0 ? (r.clusters().isEmpty() ? "" : "; ")
                    + r.servers() + " server(s) in the state" : "") : style.dim("unused");
            System.out.printf(Locale.ROOT, "%-16s %-19s %9s %8s  %s%n", r.image().name(), r.image().digest().substring(0, 19),
                    size(r.image().bytes()), age(r.image().createdAt()), used);
        }
        if (usage.offline != null) {
            System.out.println(style.yellow("Current digests unknown (" + usage.offline.getMessage() + "): only servers in the state count as users."));
        }
        System.out.println(style.dim(usage.store.directory().toString()));
        return ExitCodes.OK;
    }

    @Command(name = "prune", description = "Remove baked images that no cluster of the herd file runs and no server of the state was created from.")
    static final class Prune implements Callable<Integer> {
        @Mixin
        HerdOptions options;

        @Option(names = "--dry-run", description = "Only say what would be removed.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            Session session = Session.open(options);
            Usage usage = Usage.of(session);
            if (usage.offline != null) {
                throw new UserError("cannot tell which images are current, so nothing was pruned: " + usage.offline.getMessage());
            }
            List<BakedImage> removed = new ArrayList<>();
            long bytes = 0;
            try (ImageStore.Lock lock = usage.store.lock()) {
                for (Row r : usage.rows()) {
                    if (!r.used()) {
                        if (!dryRun) {
                            usage.store.remove(r.image());
                        }
                        removed.add(r.image());
                        bytes += r.image().bytes();
                    }
                }
            }
            if (options.json) {
                System.out.println(Json.pretty(Map.of("dryRun", dryRun, "removed", removed.stream().map(BakedImage::digest).toList(), "bytes", bytes)));
            } else {
                for (BakedImage i : removed) {
                    System.out.println((dryRun ? "would remove " : "removed ") + i.name() + " " + i.digest().substring(0, 19) + " (" + size(i.bytes()) + ")");
                }
                System.out.println((dryRun ? "Would free " : "Freed ") + size(bytes) + " (" + removed.size() + " image(s)).");
            }
            return ExitCodes.OK;
        }
    }

    /** Which stored images the herd file and the state use. */
    private record Usage(ImageStore store, List<Row> rows, BakeException offline) {
        static Usage of(Session session) throws Exception {
            ImageStore store = session.images.store();
            Map<String, List<String>> clustersByImage = session.images.clustersByImage();
            Map<String, List<String>> clustersByDigest = new LinkedHashMap<>();
            Set<String> current = new HashSet<>();
            BakeException offline = null;
            try {
                for (Recipe r : session.images.recipes().values()) {
                    current.add(r.digest());
                    clustersByDigest.put(r.digest(), clustersByImage.getOrDefault(r.name(), List.of()));
                }
            } catch (BakeException e) {
                offline = e;
            }
            State state = session.store().read().orElse(null);
            Map<String, Integer> servers = new LinkedHashMap<>();
            if (state != null) {
                for (ServerRecord s : state.servers()) {
                    if (s.imageDigest() != null) {
                        servers.merge(s.imageDigest(), 1, Integer::sum);
                    }
                }
            }
            List<Row> rows = new ArrayList<>();
            for (BakedImage image : store.list()) {
                List<String> clusters = new ArrayList<>(clustersByDigest.getOrDefault(image.digest(), List.of()));
                if (clusters.isEmpty() && current.contains(image.digest())) {
                    clusters.add("base of another image");
                }
                rows.add(new Row(image, clusters, servers.getOrDefault(image.digest(), 0)));
            }
            return new Usage(store, rows, offline);
        }
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }

    static String age(Instant created) {
        Duration d = Duration.between(created, Instant.now());
        if (d.toDays() > 0) {
            return d.toDays() + " d";
        }
        if (d.toHours() > 0) {
            return d.toHours() + " h";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min";
        }
        return Math.max(0, d.toSeconds()) + " s";
    }
}
