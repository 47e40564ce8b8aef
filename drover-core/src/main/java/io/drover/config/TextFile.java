package io.drover.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a UTF-8 text file a user named (the herd file, a {@code contents.local} file). What is not a small
 * regular file is refused before it is opened: opening a FIFO blocks until someone writes to it, and
 * {@code /dev/zero} never ends.
 */
final class TextFile {
    /** Far more than any herd file needs, small enough that reading and checking it takes well under a second. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private TextFile() {}

    /** A directory, device, FIFO or socket. */
    static final class NotRegular extends IOException {
        private final boolean directory;

        NotRegular(Path path, boolean directory) {
            super(path + (directory ? " is a directory" : " is not a regular file"));
            this.directory = directory;
        }

        /** "a directory", or "not a regular file (a device, FIFO or socket)". */
        String what() {
            return directory ? "it is a directory" : "it is not a regular file (a device, FIFO or socket)";
        }
    }

    /** More than {@link #MAX_BYTES}. */
    static final class TooLarge extends IOException {
        private final long size;

        TooLarge(Path path, long size) {
            super(path + " has more than " + MAX_BYTES + " bytes");
            this.size = size;
        }

        /** e.g. "it has 20.0 MB, more than the 4 MB allowed"; {@code size < 0} when it grew while being read. */
        String what() {
            String has = size < 0 ? "it has more than 4 MB" : String.format(java.util.Locale.ROOT, "it has %.1f MB", size / 1048576.0);
            return has + ", more than the 4 MB allowed";
        }
    }

    /**
     * @throws NotRegular for directories, devices, FIFOs and sockets (symbolic links are followed)
     * @throws TooLarge above {@link #MAX_BYTES}
     * @throws java.nio.charset.CharacterCodingException when the bytes are not UTF-8
     */
    static String read(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new NotRegular(path, attributes.isDirectory());
        }
        if (attributes.size() > MAX_BYTES) {
            throw new TooLarge(path, attributes.size());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1); // the file may have grown since it was measured
        }
        if (bytes.length > MAX_BYTES) {
            throw new TooLarge(path, -1);
        }
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
