package io.drover.state;

import io.drover.config.SourcePosition;
import io.drover.config.StateSettings;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The state-store contract for {@code .drover/state.json}. */
class FileStateStoreContractTest extends StateStoreContract {

    @Override
    protected StateSettings settings() {
        return StateSettings.defaults(SourcePosition.unknown(place.resolve("drover.yaml")));
    }

    @Override
    protected byte[] rawStored() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Path> files;
        try (var list = Files.list(place.resolve(".drover"))) {
            files = list.sorted().toList();
        }
        for (Path f : files) {
            all.write(Files.readAllBytes(f));
        }
        return all.toByteArray();
    }

    @Override
    protected Duration lockOutlivesKilledHolderBy() {
        return Duration.ZERO;
    }
}
