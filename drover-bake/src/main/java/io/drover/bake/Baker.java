package io.drover.bake;

import io.drover.config.ImageSpec;
import io.drover.render.FileEntry;
import io.drover.image.BakedImage;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds images into an {@link ImageStore}: a Debian base with {@code mmdebstrap} (or a copy of the base image),
 * packages, files and steps in a chroot, then the outputs. Everything happens in a build directory that is renamed
 * into the store at the very end, so a failed or interrupted bake registers nothing. The steps of one build are
 * {@link BakeBuild}'s.
 */
public final class Baker {
    /** Kernel arguments of the qcow2 disk: one ext4 filesystem, no partition table, found by label. */
    public static final String ROOT_LABEL = "drover-root";
    public static final String KERNEL_COMMAND_LINE = "root=LABEL=" + ROOT_LABEL + " rw console=tty0 console=ttyS0";

    private final ImageStore store;
    private final Path aptCache;
    private final BakeListener listener;
    private final Tools tools;
    /**
     * The digests this baker built: a base built for the image after it, or an image named after its base, is found
     * in the store by then, and was said "up to date" right after "built".
     */
    private final Set<String> builtHere = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param aptCache a directory keeping downloaded .deb files between bakes, or {@code null} for none
     * @param environment the process environment (PATH is searched for the tools)
     */
    public Baker(ImageStore store, Path aptCache, BakeListener listener, Map<String, String> environment) {
        this.store = store;
        this.aptCache = aptCache;
        this.listener = listener;
        this.tools = new Tools(environment);
    }

    /** The default apt cache: {@code ${XDG_CACHE_HOME:-$HOME/.cache}/drover/apt-archives}. */
    public static Path defaultAptCache(Map<String, String> environment) {
        String cache = environment.get("XDG_CACHE_HOME");
        Path base = cache != null && Path.of(cache).isAbsolute() ? Path.of(cache)
                : Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")), ".cache");
        return base.resolve("drover").resolve("apt-archives");
    }

    /** The stored image of a recipe, if baked. */
    public Optional<BakedImage> stored(Recipe recipe) {
        return store.find(recipe.digest());
    }

    /** Bakes a recipe (its bases first) unless the store has it; returns the image. */
    public BakedImage bake(Recipe recipe) throws BakeException {
        Optional<BakedImage> existing = stored(recipe);
        if (existing.isPresent()) {
            if (!builtHere.contains(recipe.digest())) {
                listener.upToDate(recipe, existing.get());
            }
            return existing.get();
        }
        Tools.requireRoot();
        List<String> needed = new ArrayList<>(List.of("unshare", "chroot", "cp", "du"));
        if (recipe.spec().base() instanceof ImageSpec.Base.Debian) {
            needed.add("mmdebstrap");
        }
        if (recipe.wants(ImageSpec.Format.QCOW2)) {
            needed.addAll(List.of("mkfs.ext4", "qemu-img"));
        }
        tools.require(needed);
        try (ImageStore.Lock lock = store.lock()) {
            return build(recipe);
        }
    }

    private BakedImage build(Recipe recipe) throws BakeException {
        BakedImage parent = null;
        if (recipe.parent() != null) {
            parent = stored(recipe.parent()).orElse(null);
            if (parent == null) {
                parent = build(recipe.parent());
            } else if (!builtHere.contains(recipe.parent().digest())) {
                listener.upToDate(recipe.parent(), parent);
            }
        }
        Instant started = Instant.now();
        Path build;
        Path log;
        try {
            build = store.newBuildDirectory(recipe.digest());
            Files.createDirectories(store.logs());
            log = store.logs().resolve(recipe.name() + "-" + recipe.hex().substring(0, 12) + ".log");
            Files.writeString(log, "drover bake " + recipe.name() + " " + recipe.digest() + " started " + started + "\n");
        } catch (IOException e) {
            throw new BakeException(BakeException.Kind.IO, "cannot prepare a build directory in " + store.directory() + ": " + e.getMessage(), e);
        }
        listener.started(recipe, log);
        BakeBuild b = new BakeBuild(new BakeBuild.Shared(store, aptCache, listener, tools), recipe, build, build.resolve("rootfs"), log);
        boolean ok = false;
        try {
            switch (recipe.spec().base()) {
                case ImageSpec.Base.Debian debian -> b.mmdebstrap(debian.suite());
                case ImageSpec.Base.Image ignored -> b.copyBase(parent.rootfs(), "image " + recipe.parent().name() + " " + recipe.parent().shortDigest());
                case ImageSpec.Base.Directory directory -> b.copyBase(directory.path(), directory.path().toString());
            }
            if (!(recipe.spec().base() instanceof ImageSpec.Base.Debian) && !recipe.packages().isEmpty()) {
                b.aptInstall();
            }
            if (!recipe.files().isEmpty()) {
                b.files();
            }
            for (int i = 0; i < recipe.run().size(); i++) {
                b.run(i);
            }
            b.finish();
            Set<String> outputs = new LinkedHashSet<>(List.of(ImageSpec.Format.ROOTFS.key()));
            if (recipe.wants(ImageSpec.Format.QCOW2)) {
                b.qcow2();
                outputs.add(ImageSpec.Format.QCOW2.key());
            }
            BakedImage manifest = new BakedImage(build, recipe.digest(), recipe.name(), Instant.now().truncatedTo(ChronoUnit.SECONDS),
                    outputs, ImageStore.size(build), recipe.wants(ImageSpec.Format.QCOW2) ? KERNEL_COMMAND_LINE : "");
            manifest.write();
            BakedImage image = store.commit(build, manifest);
            builtHere.add(recipe.digest());
            ok = true;
            Duration took = Duration.between(started, Instant.now());
            b.log("built in " + took.toMillis() + " ms");
            listener.built(recipe, image, took);
            return image;
        } catch (IOException e) {
            throw b.failure("store", e);
        } finally {
            if (!ok) {
                try {
                    ImageStore.deleteTree(build);
                } catch (IOException e) {
                    // the next bake removes it (leftover .tmp- directories are cleared under the lock)
                }
            }
        }
    }
}
