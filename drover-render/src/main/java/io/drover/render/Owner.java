package io.drover.render;

/** The owner of a file, directory or link, by name; {@code null} fields mean root. */
public record Owner(String user, String group) {
    public static final Owner ROOT = new Owner(null, null);
}
