package io.drover.web;

import io.drover.heal.EventLog;
import io.drover.heal.HealEvent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The herd's event log ({@code .drover/events.jsonl}) as the web view reads it: whole, for {@code /api/events},
 * and followed as it grows, for the live stream. Whoever writes it (heal in this process or another, an
 * operator's apply), the view sees it the same way. Following reads only what was appended since the last
 * look, and starts over when the log rolls over to {@code events.jsonl.1}.
 */
final class EventFeed {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final EventLog log;
    private Object fileKey;
    private long offset;

    EventFeed(EventLog log) {
        this.log = log;
    }

    /** Events newer than {@code since} (all when null), oldest first, at most the last {@code limit}. */
    List<HealEvent> since(Instant since, int limit) {
        List<HealEvent> all = log.read().stream().filter(e -> since == null || e.time().isAfter(since)).toList();
        return all.size() <= limit ? all : all.subList(all.size() - limit, all.size());
    }

    /** Starts following at the log's current end: {@link #poll()} returns only what is appended from now on. */
    synchronized void skipToEnd() {
        Path file = log.file();
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            fileKey = a.fileKey();
            offset = a.size();
        } catch (IOException e) {
            fileKey = null;
            offset = 0;
        }
    }

    /** Events appended since the last poll (complete lines only), oldest first. */
    synchronized List<HealEvent> poll() {
        Path file = log.file();
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            fileKey = null;
            offset = 0;
            return List.of();
        } catch (IOException e) {
            return List.of();
        }
        if (fileKey != null && !fileKey.equals(a.fileKey()) || a.size() < offset) {
            offset = 0; // rolled over: a new file
        }
        fileKey = a.fileKey();
        if (a.size() == offset) {
            return List.of();
        }
        List<HealEvent> events = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(offset);
            byte[] bytes = new byte[(int) Math.min(a.size() - offset, 4L << 20)];
            f.readFully(bytes);
            int end = lastNewline(bytes);
            if (end < 0) {
                return List.of(); // a line still being written
            }
            offset += end + 1;
            for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                parse(line, events);
            }
        } catch (IOException e) {
            return List.of();
        }
        return events;
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static void parse(String line, List<HealEvent> into) {
        if (line.isBlank()) {
            return;
        }
        try {
            into.add(HealEvent.fromMap(MAPPER.readValue(line, new TypeReference<Map<String, Object>>() {})));
        } catch (RuntimeException e) {
            // a torn line (a crash mid-write) or one this version does not know: skipped, as EventLog.read does
        }
    }
}
