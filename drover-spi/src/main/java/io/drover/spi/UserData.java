package io.drover.spi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * First-boot config in the form the image reads.
 *
 * @param format {@link #IGNITION} or {@link #CLOUD_INIT}
 */
public record UserData(String format, byte[] content) {
    public static final String IGNITION = "ignition";
    public static final String CLOUD_INIT = "cloud-init";

    public UserData {
        Objects.requireNonNull(format, "format");
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
