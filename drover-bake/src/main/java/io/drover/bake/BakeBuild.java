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
 * One image being built: the steps (a Debian base with mmdebstrap or a copy of the base image, packages, files, run
 * steps in a chroot, the qcow2 disk), each logged to the build's log, in a build directory that {@link Baker} renames
 * into the store once every step passed.
 */
final class BakeBuild {
    private static final String CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final long MIN_FREE = 64L << 20;
    private static final String ROOT_LABEL = Baker.ROOT_LABEL;

    /** What every build of one {@link Baker} shares. */
    record Shared(ImageStore store, Path aptCache, BakeListener listener, Tools tools) {}

    private final ImageStore store;
    private final Path aptCache;
    private final BakeListener listener;
    private final Tools tools;
    private final Recipe recipe;
    private final Path build;
    private final Path rootfs;
    private final Path log;

    BakeBuild(Shared shared, Recipe recipe, Path build, Path rootfs, Path log) {
        this.store = shared.store();
        this.aptCache = shared.aptCache();
        this.listener = shared.listener();
        this.tools = shared.tools();
        this.recipe = recipe;
        this.build = build;
        this.rootfs = rootfs;
        this.log = log;
    }

    void mmdebstrap(String suite) throws BakeException {
        List<String> command = new ArrayList<>(List.of("mmdebstrap", "--mode=root", "--format=directory", "--variant=apt"));
        if (!recipe.packages().isEmpty()) {
            command.add("--include=" + String.join(",", recipe.packages()));
        }
        command.add("--aptopt=Acquire::Retries \"3\"");
        command.add("--aptopt=APT::Install-Recommends \"false\"");
        // Documentation is dead weight on a server image.
        for (String exclude : List.of("/usr/share/man/*", "/usr/share/doc/*", "/usr/share/info/*")) {
            command.add("--dpkgopt=path-exclude=" + exclude);
        }
        command.add("--dpkgopt=path-include=/usr/share/doc/*/copyright");
        if (aptCache != null) {
            // Downloaded packages are kept between bakes: a rebake after a changed step downloads nothing.
            command.add("--skip=essential/unlink");
            command.add("--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/ " + quote(aptCache.toString()));
            command.add("--setup-hook=sync-in " + quote(aptCache.toString()) + " /var/cache/apt/archives/");
            command.add("--customize-hook=sync-out /var/cache/apt/archives " + quote(aptCache.toString()));
        }
        command.add(suite);
        command.add(rootfs.toString());
        for (AptSource source : recipe.sources()) {
            command.add(source.line());
        }
        String detail = "debian " + suite + (recipe.packages().isEmpty() ? "" : " + " + String.join(" ", recipe.packages()));
        step("packages", detail, command, Map.of());
    }

    void copyBase(Path from, String what) throws BakeException {
        if (!Files.isDirectory(from)) {
            throw new BakeException(BakeException.Kind.BAD_BASE, "image '" + recipe.name() + "': base " + what + " is not a directory (" + from + ")");
        }
        step("base", "copy " + what, List.of("cp", "-a", "--reflink=auto", from.toString(), rootfs.toString()), Map.of());
        if (!Files.isExecutable(rootfs.resolve("bin/sh"))) {
            throw new BakeException(BakeException.Kind.BAD_BASE, "image '" + recipe.name() + "': base " + what
                    + " has no /bin/sh, so it is no root filesystem steps can run in (use debian:SUITE or another image)");
        }
    }

    void aptInstall() throws BakeException {
        String script = "apt-get update -q && apt-get install -y -q --no-install-recommends " + String.join(" ", recipe.packages())
                + " && apt-get clean && rm -rf /var/lib/apt/lists/*";
        chroot("packages", "apt-get install " + String.join(" ", recipe.packages()), script);
    }

    void files() throws BakeException {
        Instant t = Instant.now();
        listener.stepStarted(recipe, "files", recipe.files().size() + " file(s)");
        List<String> chowns = new ArrayList<>();
        try {
            for (FileEntry f : recipe.files()) {
                Path target = rootfs.resolve(f.path().substring(1));
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !f.overwrite()) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                Files.writeString(target, f.contents() == null ? "" : f.contents(), StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(target, permissions(f.mode() == null ? 0644 : f.mode()));
                log("file " + f.path() + " mode " + Integer.toOctalString(f.mode() == null ? 0644 : f.mode()));
                if (f.owner() != null && (f.owner().user() != null || f.owner().group() != null)) {
                    chowns.add("chown " + (f.owner().user() == null ? "" : f.owner().user()) + (f.owner().group() == null ? "" : ":" + f.owner().group())
                            + " " + quote(f.path()));
                }
            }
        } catch (IOException e) {
            throw failure("files", e);
        }
        listener.stepFinished(recipe, "files", Duration.between(t, Instant.now()));
        if (!chowns.isEmpty()) {
            chroot("owners", chowns.size() + " owner(s)", String.join(" && ", chowns));
        }
    }

    void run(int index) throws BakeException {
        String step = recipe.run().get(index);
        chroot("run[" + index + "]", step.lines().findFirst().orElse(step), step);
    }

    /** Leaves the root as a server should find it: no build-time helpers, no temporary files. */
    void finish() throws BakeException {
        try {
            ImageStore.ignoreMissing(rootfs.resolve("usr/sbin/policy-rc.d"));
            try (Stream<Path> tmp = Files.list(rootfs.resolve("tmp"))) {
                for (Path p : tmp.toList()) {
                    ImageStore.deleteTree(p);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // no /tmp in a minimal base
            }
            if (recipe.wants(ImageSpec.Format.QCOW2)) {
                Files.writeString(rootfs.resolve("etc/fstab"), "LABEL=" + ROOT_LABEL + " / ext4 defaults,errors=remount-ro 0 1\n");
                Files.writeString(rootfs.resolve("etc/hostname"), "localhost\n"); // cloud-init sets the real one
                Files.writeString(rootfs.resolve("etc/machine-id"), ""); // a new one at first boot, per server
                Path cloudCfg = rootfs.resolve("etc/cloud/cloud.cfg.d");
                if (Files.isDirectory(cloudCfg)) {
                    // Generating locales costs minutes under emulation and servers need none: C.UTF-8 is built in.
                    Files.writeString(cloudCfg.resolve("90-drover.cfg"), "locale: false\n");
                }
            }
        } catch (IOException e) {
            throw failure("finish", e);
        }
    }

    /** A disk image: one ext4 filesystem made from the root (no mounting, no loop device), kernel and initrd beside it. */
    void qcow2() throws BakeException {
        Path boot = rootfs.resolve("boot");
        Path kernel = newest(boot, "vmlinuz-");
        Path initrd = kernel == null ? null : boot.resolve("initrd.img-" + kernel.getFileName().toString().substring("vmlinuz-".length()));
        if (kernel == null || !Files.isRegularFile(initrd)) {
            throw new BakeException(BakeException.Kind.BAD_BASE, "image '" + recipe.name() + "': the qcow2 output needs a kernel and"
                    + " an initramfs in /boot, and the image has " + (kernel == null ? "no kernel" : "no " + initrd.getFileName())
                    + " (a debian:SUITE base gets them automatically; add linux-image-cloud-amd64 and initramfs-tools to its packages)");
        }
        Path raw = build.resolve("disk.raw");
        try {
            long used = ImageStore.size(rootfs);
            long size = ((used * 5 / 4 + (384L << 20)) >> 20) << 20; // room for the journal, inodes and first-boot writes
            try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
                file.setLength(size);
            }
            step("qcow2", "ext4 " + (size >> 20) + " MiB", List.of("mkfs.ext4", "-q", "-F", "-L", ROOT_LABEL, "-d", rootfs.toString(), raw.toString()), Map.of());
            step("qcow2", "qemu-img convert", List.of("qemu-img", "convert", "-O", "qcow2", raw.toString(), build.resolve("disk.qcow2").toString()), Map.of());
            Files.delete(raw);
            Files.copy(kernel, build.resolve("kernel"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(initrd, build.resolve("initrd"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure("qcow2", e);
        }
    }

    private Path newest(Path dir, String prefix) throws BakeException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .max(java.util.Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Runs a shell script inside the image: a private mount namespace with /proc and /dev, chroot, a clean
     * environment, and services kept from starting (policy-rc.d) as in any Debian image build.
     */
    void chroot(String name, String detail, String script) throws BakeException {
        try {
            Path policy = rootfs.resolve("usr/sbin/policy-rc.d");
            if (Files.isDirectory(policy.getParent()) && !Files.exists(policy)) {
                Files.writeString(policy, "#!/bin/sh\nexit 101\n");
                Files.setPosixFilePermissions(policy, permissions(0755));
            }
            Path resolv = rootfs.resolve("etc/resolv.conf");
            if (Files.isDirectory(resolv.getParent()) && !Files.exists(resolv) && Files.isReadable(Path.of("/etc/resolv.conf"))) {
                Files.deleteIfExists(resolv); // a dangling link (systemd-resolved) would send the copy elsewhere
                Files.copy(Path.of("/etc/resolv.conf"), resolv);
            }
        } catch (IOException e) {
            throw failure(name, e);
        }
        String wrapper = "mount -t proc proc \"$0/proc\" && mount --bind /dev \"$0/dev\" && exec chroot \"$0\" /bin/sh -ec \"$1\"";
        step(name, detail, List.of("unshare", "--mount", "--fork", "--", "/bin/sh", "-c", wrapper, rootfs.toString(), script),
                Map.of("PATH", CHROOT_PATH, "HOME", "/root", "LANG", "C.UTF-8", "DEBIAN_FRONTEND", "noninteractive"));
    }

    /** Runs one command of a step, its output appended to the log. */
    void step(String name, String detail, List<String> command, Map<String, String> environment) throws BakeException {
        Instant t = Instant.now();
        listener.stepStarted(recipe, name, detail);
        log("== " + name + ": " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(build.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        if (!environment.isEmpty()) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        int exit;
        try {
            Process process = builder.start();
            exit = process.waitFor();
        } catch (IOException e) {
            throw failure(name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BakeException(BakeException.Kind.IO, "image '" + recipe.name() + "': interrupted in step " + name);
        }
        if (exit != 0) {
            log("== " + name + " failed with exit code " + exit);
            long free = free();
            if (free >= 0 && free < MIN_FREE) {
                throw new BakeException(BakeException.Kind.DISK_FULL, "image '" + recipe.name() + "': step " + name + " failed (exit code "
                        + exit + ") and the disk holding the image store " + store.directory() + " is full (" + (free >> 20)
                        + " MiB free): free some space, run 'drover images prune', or point DROVER_IMAGE_STORE at a larger disk. Log: " + log);
            }
            throw new BakeException(BakeException.Kind.STEP_FAILED, "image '" + recipe.name() + "': step " + name + " (" + abbreviate(detail)
                    + ") failed with exit code " + exit + errors() + ". Full log: " + log);
        }
        listener.stepFinished(recipe, name, Duration.between(t, Instant.now()));
    }

    BakeException failure(String step, IOException e) {
        long free = free();
        if (free >= 0 && free < MIN_FREE) {
            return new BakeException(BakeException.Kind.DISK_FULL, "image '" + recipe.name() + "': step " + step
                    + " failed and the disk holding the image store " + store.directory() + " is full (" + (free >> 20)
                    + " MiB free): free some space, run 'drover images prune', or point DROVER_IMAGE_STORE at a larger disk", e);
        }
        return new BakeException(BakeException.Kind.IO, "image '" + recipe.name() + "': step " + step + " failed: " + e.getMessage(), e);
    }

    private long free() {
        try {
            return Files.getFileStore(store.directory()).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The tool's own error lines (apt's "E: ..."), or the last lines of the log: shown, never decided on. */
    private String errors() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> errors = lines.stream().filter(l -> l.startsWith("E: ")).distinct().limit(3).toList();
            if (errors.isEmpty()) {
                int from = Math.max(0, lines.size() - 4);
                errors = lines.subList(from, Math.max(from, lines.size() - 1)).stream().filter(l -> !l.isBlank()).toList();
            }
            return errors.isEmpty() ? "" : ": " + String.join(" | ", errors);
        } catch (IOException e) {
            return "";
        }
    }

    void log(String line) {
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is for people; the bake goes on
        }
    }

    private static String abbreviate(String text) {
        String line = text.strip();
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }
}
