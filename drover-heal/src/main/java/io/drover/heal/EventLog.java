package io.drover.heal;

import io.drover.spi.FileErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The herd's event log, {@code .drover/events.jsonl}: one JSON object per line, appended by heal and read by
 * {@code drover status}. Bounded: past {@code maxBytes} the file becomes {@code events.jsonl.1} (replacing the
 * older one) and a new file starts, so the log never takes more than about twice that.
 */
public final class EventLog {
    public static final String FILE = "events.jsonl";
    public static final long DEFAULT_MAX_BYTES = 1 << 20;
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Path file;
    private final Path previous;
    private final long maxBytes;

    public EventLog(Path workDir, long maxBytes) {
        this.file = workDir.resolve(FILE);
        this.previous = workDir.resolve(FILE + ".1");
        this.maxBytes = maxBytes;
    }

    public EventLog(Path workDir) {
        this(workDir, DEFAULT_MAX_BYTES);
    }

    public Path file() {
        return file;
    }

    /** Appends one event; a log that cannot be written must not stop healing, so the error is returned, not thrown. */
    public synchronized IOException append(HealEvent event) {
        byte[] line = (MAPPER.writeValueAsString(event.toMap()) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file) && Files.size(file) + line.length > maxBytes) {
                Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /** Every event still kept, oldest first; lines that do not parse (a torn last line) are skipped. */
    public synchronized List<HealEvent> read() {
        List<HealEvent> events = new ArrayList<>();
        for (Path p : List.of(previous, file)) {
            if (!Files.exists(p)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    try {
                        events.add(HealEvent.fromMap(MAPPER.readValue(line, new TypeReference<Map<String, Object>>() {})));
                    } catch (RuntimeException e) { // JacksonException included
                        // a line cut short by a crash: the others still count
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the event log " + p + ": " + FileErrors.describe(e), e);
            }
        }
        return events;
    }

    /** The last event about each server (by server name) and each slot (by resource). */
    public Map<String, HealEvent> lastBySubject() {
        Map<String, HealEvent> last = new HashMap<>();
        for (HealEvent e : read()) {
            if (e.server() != null) {
                last.put(e.server(), e);
            }
            if (e.resource() != null) {
                last.put(e.resource(), e);
            }
        }
        return last;
    }
}
