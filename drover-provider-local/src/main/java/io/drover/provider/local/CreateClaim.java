package io.drover.provider.local;

import io.drover.spi.FileErrors;
import io.drover.spi.ProviderException;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Makes one create the owner of a server directory, so that two creates of one name (two drover processes, or two
 * sessions of one) never both build it, nor clear what the other is building. The claim is the directory's
 * {@code creator.pid} naming a live process: a new directory appears with it already inside (made aside and renamed
 * into place in one step), and a reserved directory gets it by an exclusive link. The loser fails retryably.
 */
final class CreateClaim {
    /** The pid file of the process creating a server, there from before server.json until the supervisor runs. */
    static final String CREATOR = "creator.pid";
    /** Where new server directories are made before they are renamed into {@code servers/} (same file system). */
    static final String CLAIMS = "claims";

    private CreateClaim() {}

    /** Claims {@code serverDir}, which does not exist yet, for this process. */
    static void newDirectory(Path root, Path serverDir, String name) throws ProviderException, IOException {
        Path aside = root.resolve(CLAIMS).resolve(name + "." + UUID.randomUUID());
        Files.createDirectories(aside);
        try {
            PidFile.current().write(aside.resolve(CREATOR));
            Files.createDirectories(serverDir.getParent());
            // rename(2) of a directory fails on a target that holds anything, and every server directory holds a file
            // from its first moment (this claim, or a reservation): one of two concurrent claims wins.
            Files.move(aside, serverDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw busy(name, serverDir, e);
        } catch (FileSystemException e) {
            if (Files.exists(serverDir)) {
                throw busy(name, serverDir, e);
            }
            throw e;
        } finally {
            LocalFiles.deleteTree(aside);
        }
    }

    /** Claims a reserved {@code serverDir} for this process; the claim of a creator that died is taken over. */
    static void reservedDirectory(Path serverDir, String name) throws ProviderException, IOException {
        Path creator = serverDir.resolve(CREATOR);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (PidFile.current().writeNew(creator)) {
                return;
            }
            Optional<PidFile> holder = PidFile.read(creator);
            if (holder.isPresent() && holder.get().alive()) {
                throw busy(name, serverDir, null);
            }
            Files.deleteIfExists(creator); // a killed create's: nobody will finish it
        }
        throw busy(name, serverDir, null);
    }

    /** Removes what claims of dead processes left aside (a kill between making a directory and renaming it). */
    static void sweep(Path root) throws ProviderException {
        Path claims = root.resolve(CLAIMS);
        if (!Files.isDirectory(claims)) {
            return;
        }
        try (Stream<Path> list = Files.list(claims)) {
            for (Path aside : list.toList()) {
                if (PidFile.read(aside.resolve(CREATOR)).filter(PidFile::alive).isEmpty()) {
                    LocalFiles.deleteTree(aside);
                }
            }
        } catch (IOException e) {
            throw new ProviderException("cannot clear " + claims + ": " + FileErrors.describe(e), true, e);
        }
    }

    /** Whether the process that is creating the server in {@code serverDir} still lives (false when none is). */
    static boolean creatorAlive(Path serverDir) {
        return PidFile.read(serverDir.resolve(CREATOR)).filter(PidFile::alive).isPresent();
    }

    private static ProviderException busy(String name, Path serverDir, Exception cause) {
        return new ProviderException("server " + name + " is being created by another process or session right now (" + serverDir
                + "); run again once it is done", true, cause);
    }
}
