package io.drover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules every module's main code keeps, checked over the sources of the whole build: decisions are made from types and
 * fields, never from an exception's message text (messages are for people, and change).
 */
class SourceRulesTest {
    /** {@code getMessage()} (possibly wrapped) followed by a string test. */
    private static final Pattern DECIDES_FROM_MESSAGE = Pattern.compile(
            "getMessage\\(\\)\\)?\\s*\\.\\s*(contains|startsWith|endsWith|equals|equalsIgnoreCase|indexOf|matches)\\s*\\(");

    @Test
    void noMainCodeDecidesFromAnExceptionMessage() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> offences = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(root)) {
            sources = walk.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .toList();
        }
        for (Path source : sources) {
            List<String> lines = Files.readAllLines(source);
            for (int i = 0; i < lines.size(); i++) {
                if (DECIDES_FROM_MESSAGE.matcher(lines.get(i)).find()) {
                    offences.add(root.relativize(source) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertThat(sources).as("the sources were found").hasSizeGreaterThan(50);
        assertThat(offences).as("decide from a typed exception or a field, not from message text").isEmpty();
    }
}
