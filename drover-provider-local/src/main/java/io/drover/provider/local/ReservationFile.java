package io.drover.provider.local;

import io.drover.spi.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The address a server directory holds for a server not created yet ({@code reserved-address}: the address, then
 * the herd that reserved it), so that a static etcd bootstrap can name every member first. The herd is written so
 * that another herd sharing the root neither uses nor sweeps it; reservations of older versions name none.
 */
final class ReservationFile {
    private static final String FILE = "reserved-address";

    private final String herd;

    ReservationFile(String herd) {
        this.herd = herd;
    }

    void write(Path serverDir, String ip) throws IOException {
        Files.writeString(serverDir.resolve(FILE), ip + "\n" + herd + "\n");
    }

    /** The address reserved for a server directory, if it was reserved ahead (by this herd: others' are refused). */
    Optional<String> address(Path serverDir) throws ProviderException {
        Optional<String> owner = owner(serverDir);
        if (owner.isPresent() && !owner.get().isEmpty() && !owner.get().equals(herd)) {
            throw new ProviderException("the address of " + serverDir.getFileName() + " (" + serverDir + ") is reserved by herd '"
                    + owner.get() + "', not '" + herd + "'; give the herds different 'root' settings or destroy the other herd");
        }
        return read(serverDir).map(lines -> lines.get(0));
    }

    /** Whether the directory holds a reservation of this herd (or of an older version, which did not say whose). */
    boolean ofThisHerd(Path serverDir) {
        return owner(serverDir).filter(owner -> owner.isEmpty() || owner.equals(herd)).isPresent();
    }

    /** The herd that reserved a server directory's address ("" for reservations of older versions), if any did. */
    static Optional<String> owner(Path serverDir) {
        return read(serverDir).map(lines -> lines.size() > 1 ? lines.get(1) : "");
    }

    private static Optional<List<String>> read(Path serverDir) {
        try {
            List<String> lines = Files.readString(serverDir.resolve(FILE)).strip().lines().map(String::strip).toList();
            return lines.isEmpty() || lines.get(0).isEmpty() ? Optional.empty() : Optional.of(lines);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
