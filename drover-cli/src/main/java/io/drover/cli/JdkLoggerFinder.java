package io.drover.cli;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.logging.Logger;

/**
 * Where the JDK's own {@link System.Logger}s write (found through META-INF/services): to java.util.logging with
 * --debug, as the JDK would, and nowhere otherwise, without starting java.util.logging. Every {@code System.exit}
 * asks a System.Logger whether to log the exit, and the first certificate parsed asks whether to log security events;
 * with the JDK's own finder each started java.util.logging (10-30 ms of a cold JVM) only to learn that nothing is
 * logged. Libraries that log through java.util.logging directly are set up by {@link LibraryLogging}.
 */
public final class JdkLoggerFinder extends System.LoggerFinder {
    @Override
    public System.Logger getLogger(String name, Module module) {
        return new ToJul(name);
    }

    /** A logger that asks java.util.logging only when --debug chose the debug configuration. */
    private record ToJul(String name) implements System.Logger {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return LibraryLogging.debugging() && jul().isLoggable(julLevel(level));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            if (isLoggable(level)) {
                jul().logrb(julLevel(level), bundle, message, thrown);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                String message = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
                jul().logrb(julLevel(level), bundle, message, (Throwable) null);
            }
        }

        private Logger jul() {
            return Logger.getLogger(name);
        }

        private static java.util.logging.Level julLevel(Level level) {
            return switch (level) {
                case ALL -> java.util.logging.Level.ALL;
                case TRACE -> java.util.logging.Level.FINER;
                case DEBUG -> java.util.logging.Level.FINE;
                case INFO -> java.util.logging.Level.INFO;
                case WARNING -> java.util.logging.Level.WARNING;
                case ERROR -> java.util.logging.Level.SEVERE;
                case OFF -> java.util.logging.Level.OFF;
            };
        }
    }
}
