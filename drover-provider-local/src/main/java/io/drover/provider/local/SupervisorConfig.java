package io.drover.provider.local;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What the provider tells the supervisor, as a properties file next to the server's root: who the server is and
 * which units to start in which order. The provider parses Ignition; the supervisor only reads this, so it needs
 * nothing beyond the JDK.
 *
 * @param units the enabled units, in start order
 * @param image how the server's root is made: {@link ImageRoot#NONE} for the host image, else chrooted into a baked image
 */
record SupervisorConfig(String serverName, String ip, List<String> units, ImageRoot image) {

    /** A server on the host's own programs ({@code image: host} or a copied directory). */
    SupervisorConfig(String serverName, String ip, List<String> units) {
        this(serverName, ip, units, ImageRoot.NONE);
    }

    static final String NAME = "supervisor.properties";

    SupervisorConfig {
        units = List.copyOf(units);
        for (String unit : units) {
            if (unit.isBlank() || unit.contains(",") || unit.contains("/")) {
                throw new IllegalArgumentException("invalid unit name '" + unit + "'");
            }
        }
    }

    static SupervisorConfig read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        String units = properties.getProperty("units", "").strip();
        return new SupervisorConfig(
                properties.getProperty("name", ""),
                properties.getProperty("ip", ""),
                units.isEmpty() ? List.of() : Arrays.stream(units.split(",")).map(String::strip).toList(),
                ImageRoot.from(properties));
    }

    void write(Path file) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("name", serverName);
        properties.setProperty("ip", ip);
        properties.setProperty("units", String.join(",", units));
        image.store(properties);
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, "Read by io.drover.provider.local.Supervisor; units start in this order");
        }
    }
}
