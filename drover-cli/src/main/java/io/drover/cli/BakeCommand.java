package io.drover.cli;

import io.drover.bake.Baker;
import io.drover.bake.Recipe;
import io.drover.config.ImageSpec;
import io.drover.engine.Engine;
import io.drover.apply.EventSink;
import io.drover.image.BakedImage;
import io.drover.spi.Image;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "bake", description = {
    "Build the herd file's images (all, or those named) unless an image with the same inputs is already baked.",
    "Images are content-addressed: the digest covers the base, the apt sources' Release files, packages, files, "
        + "steps and outputs.",
    "Needs root and mmdebstrap (qemu-utils for qcow2). See docs/bake.md."})
final class BakeCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images to bake (default: all).")
    List<String> names = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Instant started = Instant.now();
        Session session = Session.open(options);
        if (session.herd.images().isEmpty()) {
            throw new UserError("the herd file declares no images: add an 'images:' map (see docs/bake.md)");
        }
        for (String name : names) {
            if (!session.herd.images().containsKey(name)) {
                throw new UserError("no image '" + name + "' in " + options.file() + ": "
                        + suggest(name, session.herd.images().keySet()));
            }
        }
        Map<String, Recipe> recipes = session.images.recipes();
        List<Recipe> wanted = new ArrayList<>();
        for (Recipe r : recipes.values()) {
            if (names.isEmpty() || names.contains(r.name())) {
                wanted.add(r);
            }
        }
        Style style = Style.detect(options.noColor);
        Map<String, BakedImage> baked = new LinkedHashMap<>();
        try (BakeProgress progress = new BakeProgress(System.out, style, options.json)) {
            Baker baker = new Baker(session.images.store(), HerdImages.aptCache(System.getenv()), progress, System.getenv());
            for (Recipe recipe : wanted) {
                baked.put(recipe.name(), baker.bake(recipe));
            }
        }
        publish(session, baked, style);
        if (!options.json) {
            System.out.println(style.dim("drover bake: " + wanted.size() + " image(s) in " + BakeProgress.seconds(Duration.between(started, Instant.now()))));
        }
        return ExitCodes.OK;
    }

    /**
     * Cloud providers get the qcow2 output: resolving a baked image on them uploads it unless an image with its
     * digest is already there, so plan and apply then find it without uploading.
     */
    private void publish(Session session, Map<String, BakedImage> baked, Style style) throws Exception {
        if (session.herd.provider().type().equals("local")) {
            return;
        }
        List<BakedImage> disks = baked.values().stream().filter(i -> i.has(ImageSpec.Format.QCOW2.key())).toList();
        if (disks.isEmpty()) {
            return;
        }
        try (Engine engine = session.engine(EventSink.NONE, Engine.Settings.DEFAULT)) {
            for (BakedImage image : disks) {
                Instant t = Instant.now();
                Image published = engine.provider().resolveImage(image.source());
                if (options.json) {
                    System.out.println(Json.write(Map.of("type", "published", "image", image.name(), "digest", image.digest(),
                            "provider", session.herd.provider().type(), "id", published.id())));
                } else {
                    System.out.println(style.bold(image.name()) + "  " + style.green("in " + session.herd.provider().type())
                            + " as " + published.id() + style.dim(" (" + BakeProgress.seconds(Duration.between(t, Instant.now())) + ")"));
                }
            }
        }
    }

    static String suggest(String wrong, java.util.Collection<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : names) {
            int d = distance(wrong, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, wrong.length() / 3) ? "did you mean '" + best + "'?"
                : "images: " + String.join(", ", names);
    }

    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                d[i][j] = i == 0 ? j : j == 0 ? i : Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1),
                        d[i - 1][j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
        }
        return d[a.length()][b.length()];
    }
}
