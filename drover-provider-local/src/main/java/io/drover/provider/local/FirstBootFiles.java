package io.drover.provider.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The files a server's first-boot config wrote, with their hashes at boot. A server whose files were changed
 * afterwards (by hand, by a stray process) has drifted: immutable servers are replaced, never repaired, so
 * the provider reports it and the engine plans a replacement.
 */
final class FirstBootFiles {
    static final String NAME = "first-boot.sha256";

    private FirstBootFiles() {}

    /** Records the hashes of {@code files} (relative to {@code root}) in the server directory. */
    static void record(Path serverDir, Path root, List<Path> files) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Path f : files) {
            out.append(hash(root.resolve(f))).append("  ").append(f).append('\n');
        }
        Files.writeString(serverDir.resolve(NAME), out, StandardCharsets.UTF_8);
    }

    /** The first recorded file whose contents changed or that disappeared, or null if none did. */
    static String drifted(Path serverDir) {
        Path root = serverDir.resolve("root");
        List<String> lines;
        try {
            lines = Files.readAllLines(serverDir.resolve(NAME), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null; // a server from before drift detection, or being created
        }
        for (String line : lines) {
            int sep = line.indexOf("  ");
            if (sep < 0) {
                continue;
            }
            String path = line.substring(sep + 2);
            try {
                if (!line.substring(0, sep).equals(hash(root.resolve(path)))) {
                    return "/" + path;
                }
            } catch (NoSuchFileException e) {
                return "/" + path;
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static String hash(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
