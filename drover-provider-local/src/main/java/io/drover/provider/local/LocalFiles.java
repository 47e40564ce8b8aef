package io.drover.provider.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** File operations the local provider's parts share. */
final class LocalFiles {
    private LocalFiles() {}

    /** Deletes a tree, making directories writable first (images and configs may contain read-only ones). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = new ArrayList<>(walk.toList());
        }
        for (Path p : paths) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (!permissions.contains(PosixFilePermission.OWNER_WRITE) || !permissions.contains(PosixFilePermission.OWNER_EXECUTE)) {
                    permissions.add(PosixFilePermission.OWNER_WRITE);
                    permissions.add(PosixFilePermission.OWNER_EXECUTE);
                    permissions.add(PosixFilePermission.OWNER_READ);
                    Files.setPosixFilePermissions(p, permissions);
                }
            }
        }
        for (Path p : paths.reversed()) {
            try {
                Files.delete(p);
            } catch (NoSuchFileException e) {
                // a unit's temp file vanished meanwhile
            }
        }
    }
}
