package io.drover.provider.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The first line of the host's {@code etcd --version} (part of the {@code host} image's digest), remembered in a
 * small file next to the servers and asked again only when the binary changes (its size, time or inode): starting
 * etcd costs every plan about a tenth of a second, more than the rest of a small plan's reading.
 */
final class HostEtcdVersion {
    private final Path etcd;
    private final Path cache;

    HostEtcdVersion(Path etcd, Path cache) {
        this.etcd = etcd;
        this.cache = cache;
    }

    /** The version line, or empty when etcd is not installed or does not answer. */
    String get() {
        if (!Files.isExecutable(etcd)) {
            return "";
        }
        String key = key();
        if (key == null) {
            return ask();
        }
        try {
            String[] remembered = Files.readString(cache, StandardCharsets.UTF_8).split("\n", 2);
            if (remembered.length == 2 && remembered[0].equals(key)) {
                return remembered[1].strip();
            }
        } catch (IOException e) {
            // not remembered yet, or unreadable: ask etcd
        }
        String version = ask();
        if (!version.isEmpty()) {
            remember(key, version);
        }
        return version;
    }

    /** What identifies the binary without reading it: a package upgrade changes at least one of these. */
    private String key() {
        try {
            Path real = etcd.toRealPath();
            Map<String, Object> a = Files.readAttributes(real, "unix:ino,size,lastModifiedTime,ctime");
            return real + " " + a.get("ino") + " " + a.get("size") + " " + a.get("lastModifiedTime") + " " + a.get("ctime");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Written whole and renamed into place, so a concurrent reader sees the old answer or the new one. */
    private void remember(String key, String version) {
        try {
            Files.createDirectories(cache.getParent());
            Path tmp = Files.createTempFile(cache.getParent(), cache.getFileName().toString(), ".tmp");
            Files.writeString(tmp, key + "\n" + version + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // a read-only root: asked again next time, which is only slower
        }
    }

    private String ask() {
        try {
            Process process = new ProcessBuilder(etcd.toString(), "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "";
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return out.lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
