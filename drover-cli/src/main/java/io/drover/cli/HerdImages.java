package io.drover.cli;

import io.drover.bake.BakeException;
import io.drover.bake.ImageStore;
import io.drover.bake.Recipe;
import io.drover.bake.Recipes;
import io.drover.bake.ReleaseFiles;
import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.image.BakedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The herd file's images as the other commands see them: each {@code ${images.NAME}} a cluster runs becomes the
 * store directory of that image's current digest, which the provider resolves (and whose digest then flows into
 * every server's identity, so a changed input replaces the servers).
 */
final class HerdImages {
    static final String STORE_ENV = "DROVER_IMAGE_STORE";
    static final String APT_CACHE_ENV = "DROVER_APT_CACHE";

    private final Herd herd;
    private final ImageStore store;
    private Map<String, Recipe> recipes; // guarded by this; computed on first use
    /** Why recipes could not be computed (the mirror is unreachable), or null. */
    private BakeException offline;
    private Herd resolved;

    private HerdImages(Herd herd, ImageStore store) {
        this.herd = herd;
        this.store = store;
    }

    static HerdImages of(Herd herd, Map<String, String> environment) {
        return new HerdImages(herd, store(herd, environment));
    }

    /** Computes every image's digest (asking the mirror for its Release files) once; never fails, see {@link #require}. */
    private synchronized Map<String, Recipe> computed() {
        if (recipes == null) {
            recipes = Map.of();
            if (!herd.images().isEmpty()) {
                try {
                    recipes = new Recipes(herd, new ReleaseFiles()).all();
                } catch (BakeException e) {
                    offline = e;
                }
            }
        }
        return recipes;
    }

    static ImageStore store(Herd herd, Map<String, String> environment) {
        String configured = environment.get(STORE_ENV);
        if (configured != null && !configured.isBlank()) {
            return new ImageStore(herd.directory().resolve(configured));
        }
        return ImageStore.forHerd(herd.directory());
    }

    static Path aptCache(Map<String, String> environment) {
        String configured = environment.get(APT_CACHE_ENV);
        if (configured != null && !configured.isBlank()) {
            return configured.equals("none") ? null : Path.of(configured).toAbsolutePath();
        }
        return io.drover.bake.Baker.defaultAptCache(environment);
    }

    ImageStore store() {
        return store;
    }

    /** The recipes, bases first; fails when the mirror could not be asked. */
    Map<String, Recipe> recipes() throws BakeException {
        computed();
        if (offline != null) {
            throw offline;
        }
        return recipes;
    }

    /**
     * The herd with each baked-image reference replaced by its store directory. Without the mirror (offline), the
     * newest stored image of that name stands in, so that destroy, show and heal keep working.
     */
    synchronized Herd resolvedHerd() {
        if (resolved == null) {
            resolved = herd.clusters().values().stream().noneMatch(c -> c.bakedImage() != null) ? herd : herd.withImageReferences(
                    name -> current(name).map(p -> p.toString()).orElse(missingReference(name)));
        }
        return resolved;
    }

    private Optional<Path> current(String name) {
        Recipe recipe = computed().get(name);
        if (recipe != null) {
            return Optional.of(store.pathOf(recipe.digest()));
        }
        return newestStored(name).map(BakedImage::directory);
    }

    private String missingReference(String name) {
        return store.directory().resolve("not-baked-" + name).toString();
    }

    Optional<BakedImage> newestStored(String name) {
        try {
            return store.list().stream().filter(i -> i.name().equals(name)).max(Comparator.comparing(BakedImage::createdAt));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * A herd as an apply recorded it (heal): each cluster's baked image is the stored image its recorded servers
     * were created from, so heal replaces a server with what the others run; the current one for a cluster without.
     */
    Herd asApplied(Herd applied, io.drover.state.State state) {
        return applied.withImageReferences(name -> {
            if (state != null) {
                for (Cluster c : applied.clusters().values()) {
                    if (!name.equals(c.bakedImage())) {
                        continue;
                    }
                    for (io.drover.state.ServerRecord server : state.servers()) {
                        if (server.cluster().equals(c.name()) && server.imageDigest() != null
                                && store.find(server.imageDigest()).isPresent()) {
                            return store.pathOf(server.imageDigest()).toString();
                        }
                    }
                }
            }
            return current(name).map(Path::toString).orElse(missingReference(name));
        });
    }

    /** Fails with one message unless every image a cluster runs is baked with its current inputs. */
    void require() {
        List<String> missing = new ArrayList<>();
        for (Cluster c : herd.clusters().values()) {
            String name = c.bakedImage();
            if (name == null) {
                continue;
            }
            Recipe recipe = computed().get(name);
            if (recipe == null && offline != null && newestStored(name).isEmpty()) {
                throw new UserError("cluster '" + c.name() + "' runs image '" + name + "', which was never baked, and "
                        + offline.getMessage());
            }
            if (recipe != null && store.find(recipe.digest()).isEmpty() && !missing.contains(name)) {
                missing.add(name + " (" + recipe.shortDigest() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new UserError("image" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " not baked with the current inputs: run 'drover bake' first");
        }
    }

    /** The clusters that run each image name. */
    Map<String, List<String>> clustersByImage() {
        Map<String, List<String>> users = new LinkedHashMap<>();
        for (Cluster c : herd.clusters().values()) {
            if (c.bakedImage() != null) {
                users.computeIfAbsent(c.bakedImage(), k -> new ArrayList<>()).add(c.name());
            }
        }
        return users;
    }
}
