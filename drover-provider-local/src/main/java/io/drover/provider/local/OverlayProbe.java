package io.drover.provider.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether an overlay filesystem can be mounted here (some kernels and container file systems refuse one over
 * another overlay): tried once in a throwaway mount namespace, on the same file system the servers live on.
 */
final class OverlayProbe {
    private OverlayProbe() {}

    static boolean works(Path near) {
        Path dir = null;
        try {
            Files.createDirectories(near);
            dir = Files.createTempDirectory(near, ".overlay-probe-");
            for (String d : new String[] {"lower", "upper", "work", "merged"}) {
                Files.createDirectory(dir.resolve(d));
            }
            Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "--", "mount", "-t", "overlay", "overlay", "-o",
                    "lowerdir=" + dir.resolve("lower") + ",upperdir=" + dir.resolve("upper") + ",workdir=" + dir.resolve("work"),
                    dir.resolve("merged").toString())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (dir != null) {
                try {
                    new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
                } catch (IOException e) {
                    // a few empty directories left behind
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
