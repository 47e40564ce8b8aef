package io.drover.spi;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Locale;

/**
 * Says why a file operation failed, for messages. The JDK's exceptions often carry only the path in their
 * message ({@code AccessDeniedException: /x/state.json.tmp}), so the reason comes from the exception's type, or
 * from the operating system's reason that {@link FileSystemException} carries apart from the path.
 *
 * <p>It stays in drover-spi although it is not the seam: the providers (local, OpenStack) use it and may depend on nothing but drover-spi.
 */
public final class FileErrors {
    private FileErrors() {}

    /**
     * E.g. {@code permission denied (/x/.drover/state.json.tmp)}, {@code read-only file system (/x/.drover)},
     * {@code no space left on device}.
     */
    public static String describe(IOException e) {
        String reason = switch (e) {
            case AccessDeniedException x -> "permission denied";
            case NoSuchFileException x -> "no such file or directory";
            case FileAlreadyExistsException x -> "already exists";
            case NotDirectoryException x -> "not a directory";
            case DirectoryNotEmptyException x -> "directory not empty";
            case FileSystemLoopException x -> "too many levels of symbolic links";
            case NotLinkException x -> "not a symbolic link";
            case AtomicMoveNotSupportedException x -> "cannot be renamed atomically on this file system";
            case CharacterCodingException x -> "not UTF-8 text";
            // The operating system's own words (strerror): "Read-only file system", "No space left on device".
            case FileSystemException x when x.getReason() != null -> lowerFirst(x.getReason());
            case FileSystemException x -> "failed";
            // Plain IOExceptions (a failed write or fsync) carry the operating system's words as their message.
            default -> e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : lowerFirst(e.getMessage());
        };
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return reason + " (" + f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ")";
        }
        return reason;
    }

    private static String lowerFirst(String text) {
        // Keep acronyms and paths as they are: only "No space left" becomes "no space left".
        if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))) {
            return text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
        }
        return text;
    }
}
