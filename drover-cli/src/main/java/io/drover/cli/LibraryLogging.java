package io.drover.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * How much libraries may say through java.util.logging: gRPC and Netty (under the etcd client) log connection
 * failures with stack traces when a member dies, expected events during a replacement and not the user's business;
 * shown only with --debug.
 *
 * <p>Given to java.util.logging as its configuration class ({@code java.util.logging.config.class}), which it reads
 * only when something first logs: most commands never load a library that logs, and setting the logging system up
 * eagerly cost every command some 30 ms of start-up.
 */
final class LibraryLogging {
    private static final String PROPERTY = "java.util.logging.config.class";

    private LibraryLogging() {}

    /** Chooses the configuration; applied at once only if logging was set up already (an earlier command line in this JVM). */
    static void configure(boolean debug) {
        String chosen = (debug ? Debug.class : Quiet.class).getName();
        String before = System.setProperty(PROPERTY, chosen);
        if (before != null && !before.equals(chosen)) {
            try {
                LogManager.getLogManager().readConfiguration();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Whether --debug chose the debug configuration (for the JDK's own loggers, see {@link JdkLoggerFinder}). */
    static boolean debugging() {
        return Debug.class.getName().equals(System.getProperty(PROPERTY));
    }

    private static void read(String properties) {
        try {
            LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(properties.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Libraries say nothing. */
    public static final class Quiet {
        public Quiet() {
            read(".level=OFF\nhandlers=java.util.logging.ConsoleHandler\njava.util.logging.ConsoleHandler.level=OFF\n");
        }
    }

    /** Libraries say what they find worth saying (INFO and up), on stderr. */
    public static final class Debug {
        public Debug() {
            read(".level=INFO\nhandlers=java.util.logging.ConsoleHandler\njava.util.logging.ConsoleHandler.level=ALL\n");
        }
    }
}
