package io.drover.cli;

import io.drover.state.FileStateStore;
import io.drover.state.State;
import io.drover.state.StateException;
import io.drover.state.StateStores;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The state as last saved, found without a valid herd file (for {@code drover show} while the file is being edited).
 * Only the default place can be read so: {@code .drover/state.json} next to the herd file, unencrypted. When the
 * herd file's {@code state:} block or $DROVER_STATE_BACKEND may send the state elsewhere, a copy found there could
 * be an old one left behind by a migration, so none is read.
 */
final class SavedState {
    private SavedState() {}

    /** The state saved next to {@code herdFile}, or empty when it cannot be told or read that way. */
    static Optional<Located> nextTo(Path herdFile) {
        String backend = System.getenv(StateStores.BACKEND);
        if ((backend != null && !backend.isBlank() && !backend.strip().equals("file")) || mayNameAnotherBackend(herdFile)) {
            return Optional.empty();
        }
        Path dir = herdFile.toAbsolutePath().getParent().resolve(".drover");
        try (FileStateStore store = new FileStateStore(dir)) {
            return store.read().map(state -> new Located(state, dir.resolve("state.json")));
        } catch (StateException e) {
            return Optional.empty(); // encrypted, damaged or unreadable: the herd file's problems are what to say
        }
    }

    /** A state and the file it was read from. */
    record Located(State state, Path file) {}

    /** Whether the herd file has a {@code state:} block naming a backend other than the file one (or cannot be read as YAML). */
    private static boolean mayNameAnotherBackend(Path herdFile) {
        try {
            JsonNode root = YAMLMapper.builder().build().readTree(herdFile.toFile());
            JsonNode state = root == null ? null : root.get("state");
            return state != null && !(state.isObject() && (state.get("backend") == null || "file".equals(state.get("backend").asString())));
        } catch (RuntimeException e) {
            return true; // not even YAML: nothing can be told about its state block
        }
    }
}
