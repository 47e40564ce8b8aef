package io.drover.render.ignition;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The Ignition config spec versions Drover renders; the image's Ignition must support the one chosen. */
public enum IgnitionVersion {
    V3_0("3.0.0"),
    V3_1("3.1.0"),
    V3_2("3.2.0"),
    V3_3("3.3.0");

    /** Supported by every Flatcar and Fedora CoreOS release still maintained. */
    public static final IgnitionVersion DEFAULT = V3_3;

    private final String spec;

    IgnitionVersion(String spec) {
        this.spec = spec;
    }

    /** The {@code ignition.version} string, e.g. {@code 3.3.0}. */
    public String spec() {
        return spec;
    }

    /** Accepts {@code 3.2} or {@code 3.2.0}. */
    public static IgnitionVersion parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        for (IgnitionVersion version : values()) {
            if (version.spec.equals(trimmed) || version.spec.equals(trimmed + ".0")) {
                return version;
            }
        }
        throw new IllegalArgumentException("Unsupported Ignition spec version \"" + text + "\": use one of "
                + Arrays.stream(values()).map(IgnitionVersion::spec).collect(Collectors.joining(", ")) + ".");
    }

    @Override
    public String toString() {
        return spec;
    }
}
