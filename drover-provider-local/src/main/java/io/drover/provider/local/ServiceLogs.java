package io.drover.provider.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tails of a local server's service logs ({@code logs/UNIT.log}, written by its supervisor), for an error that
 * says why the server did not become healthy. Only the end of each file is read: a log may have grown large.
 */
final class ServiceLogs {
    /** How much of the end of a log is read to find its last lines. */
    private static final int TAIL_BYTES = 16 * 1024;

    private ServiceLogs() {}

    /** The last lines of every service log of the server (not the supervisor's own), each prefixed with its unit. */
    static List<String> tail(Path serverDir, int lines) {
        Path logs = serverDir.resolve("logs");
        List<Path> files;
        try (Stream<Path> list = Files.list(logs)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".log"))
                    .filter(p -> !p.getFileName().toString().equals("supervisor.log")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int each = Math.max(1, lines / Math.max(1, files.size()));
        for (Path f : files) {
            String unit = f.getFileName().toString().replaceFirst("\\.log$", "");
            for (String line : lastLines(f, each)) {
                out.add(files.size() > 1 ? unit + ": " + line : line);
            }
        }
        return out;
    }

    private static List<String> lastLines(Path file, int count) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int size = (int) Math.min(length, TAIL_BYTES);
            byte[] buffer = new byte[size];
            raf.seek(length - size);
            raf.readFully(buffer);
            String[] all = new String(buffer, StandardCharsets.UTF_8).split("\n");
            // The first line may be cut by the window: drop it unless the window holds the whole file.
            int from = size < length ? 1 : 0;
            List<String> kept = Arrays.stream(all, Math.min(from, all.length), all.length).filter(l -> !l.isBlank()).toList();
            return kept.subList(Math.max(0, kept.size() - count), kept.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
