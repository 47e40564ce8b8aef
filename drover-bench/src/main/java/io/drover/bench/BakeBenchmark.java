package io.drover.bench;

import io.drover.bake.BakeListener;
import io.drover.bake.Baker;
import io.drover.bake.ImageStore;
import io.drover.bake.Recipe;
import io.drover.bake.Recipes;
import io.drover.bake.ReleaseFiles;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.providers.ProviderCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bin/bench bake}: the example image ({@code examples/etcd-baked-local}) baked cold into an empty image store,
 * then baked again with nothing changed (what {@code drover bake} does when up to date: ask the mirror for its
 * Release files, digest the inputs, find the image in the store), several times; prints both and their ratio.
 * Packages come from the apt cache ({@code DROVER_APT_CACHE}, default ~/.cache/drover/apt-archives), so "cold"
 * means a new image, not a new download, after the first run. Needs root and mmdebstrap.
 */
public final class BakeBenchmark {
    private BakeBenchmark() {}

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("drover-bench-bake");
        Path file = dir.resolve("drover.yaml");
        Files.copy(Path.of(System.getProperty("drover.home", ".")).resolve("examples/etcd-baked-local/drover.yaml"), file);
        Herd herd = new HerdLoader(ProviderCatalog.fromClassPath().all()).load(file);
        String cache = System.getenv("DROVER_APT_CACHE");
        Path aptCache = cache == null || cache.isBlank() ? Baker.defaultAptCache(System.getenv()) : "none".equals(cache) ? null : Path.of(cache);
        ImageStore store = new ImageStore(dir.resolve(".drover/images"));
        System.out.printf(Locale.ROOT, "bake benchmark: %s, apt cache %s, load %s%n", file, aptCache, load());

        long t0 = System.nanoTime();
        bakeAll(herd, store, aptCache);
        double cold = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "cold bake (empty store): %.1f s%n", cold);

        List<Double> upToDate = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            int built = bakeAll(herd, store, aptCache);
            upToDate.add((System.nanoTime() - t) / 1e6);
            if (built != 0) {
                throw new IllegalStateException("an up-to-date bake built " + built + " image(s)");
            }
        }
        upToDate.sort(Double::compare);
        double median = upToDate.get(upToDate.size() / 2);
        System.out.printf(Locale.ROOT, "up-to-date bake: median %.0f ms (min %.0f, max %.0f, %d runs; in-process, JVM start not included)%n",
                median, upToDate.get(0), upToDate.get(upToDate.size() - 1), repeats);
        System.out.printf(Locale.ROOT, "ratio cold / up to date: %.0fx%n", cold * 1000 / median);
        new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).inheritIO().start().waitFor();
    }

    /** Bakes every image as drover bake does (fresh digests each time); returns how many were built. */
    private static int bakeAll(Herd herd, ImageStore store, Path aptCache) throws Exception {
        int[] built = {0};
        Baker baker = new Baker(store, aptCache, new BakeListener() {
            @Override
            public void built(Recipe recipe, io.drover.image.BakedImage image, java.time.Duration took) {
                built[0]++;
                System.out.printf(Locale.ROOT, "  built %s in %.1f s (%d MiB)%n", recipe.name(), took.toMillis() / 1000.0, image.bytes() >> 20);
            }
        }, System.getenv());
        for (Recipe recipe : new Recipes(herd, new ReleaseFiles()).all().values()) {
            baker.bake(recipe);
        }
        return built[0];
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
