package io.drover.bake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The programs a bake runs and the privileges it needs, checked before anything is built. */
final class Tools {
    /** Which Debian package brings each program (for the "install it" hint). */
    static final Map<String, String> PACKAGES = Map.of(
            "mmdebstrap", "mmdebstrap", "unshare", "util-linux", "chroot", "coreutils", "mkfs.ext4", "e2fsprogs",
            "qemu-img", "qemu-utils", "cp", "coreutils", "du", "coreutils");

    private final Map<String, String> environment;

    Tools(Map<String, String> environment) {
        this.environment = environment;
    }

    /** Fails with one message naming every missing program and the packages to install. */
    void require(List<String> programs) throws BakeException {
        List<String> missing = new ArrayList<>();
        for (String program : programs) {
            if (find(program) == null) {
                missing.add(program);
            }
        }
        if (!missing.isEmpty()) {
            List<String> packages = missing.stream().map(p -> PACKAGES.getOrDefault(p, p)).distinct().toList();
            throw new BakeException(BakeException.Kind.MISSING_TOOL, "drover bake needs " + String.join(", ", missing)
                    + ", not found on PATH: install " + String.join(" ", packages) + " (apt-get install -y " + String.join(" ", packages) + ")");
        }
    }

    String find(String program) {
        String path = environment.getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toString();
            }
        }
        return null;
    }

    /** Building a root filesystem (device nodes, ownership, chroot, mounts) takes root. */
    static void requireRoot() throws BakeException {
        if (!isRoot()) {
            throw new BakeException(BakeException.Kind.NOT_ROOT, "drover bake builds images as root (mmdebstrap into a directory,"
                    + " chroot and mounts for the steps): run it as root, e.g. sudo drover bake");
        }
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // the effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
