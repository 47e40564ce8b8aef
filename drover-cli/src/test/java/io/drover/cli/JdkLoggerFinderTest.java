package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JdkLoggerFinderTest {
    private final List<LogRecord> published = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            published.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @AfterEach
    void quietAgain() {
        Logger.getLogger("drover.test.jdk").removeHandler(handler);
        LibraryLogging.configure(false);
    }

    @Test
    void jdkLoggersSayNothingWithoutDebug() {
        LibraryLogging.configure(false);
        System.Logger logger = new JdkLoggerFinder().getLogger("drover.test.jdk", Object.class.getModule());

        assertThat(logger.isLoggable(System.Logger.Level.ERROR)).isFalse();
    }

    @Test
    void jdkLoggersWriteToJavaUtilLoggingWithDebug() {
        LibraryLogging.configure(false);
        LibraryLogging.configure(true); // a change of configuration is applied at once
        Logger.getLogger("drover.test.jdk").addHandler(handler);
        System.Logger logger = new JdkLoggerFinder().getLogger("drover.test.jdk", Object.class.getModule());

        logger.log(System.Logger.Level.WARNING, "member {0} is slow", "etcd-0-1");
        logger.log(System.Logger.Level.DEBUG, "not shown at INFO");

        assertThat(logger.isLoggable(System.Logger.Level.INFO)).isTrue();
        assertThat(logger.isLoggable(System.Logger.Level.DEBUG)).isFalse();
        assertThat(published).extracting(LogRecord::getMessage).containsExactly("member etcd-0-1 is slow");
        assertThat(published.getFirst().getLevel()).isEqualTo(java.util.logging.Level.WARNING);
    }
}
