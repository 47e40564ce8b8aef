package io.drover.provider.local;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPInputStream;

/**
 * Decodes Ignition file sources. The local provider boots nothing that could fetch a URL, so only RFC 2397
 * {@code data:} URLs are supported: {@code data:,percent%20encoded} and {@code data:;base64,...}.
 */
final class DataUrl {
    private DataUrl() {}

    /**
     * @param compression Ignition's {@code contents.compression}: null/empty or {@code gzip}
     * @throws IllegalArgumentException with a message for the user
     */
    static byte[] decode(String source, String compression) {
        if (!source.startsWith("data:")) {
            String scheme = source.contains(":") ? source.substring(0, source.indexOf(':')) : source;
            throw new IllegalArgumentException("source '" + abbreviate(source) + "' uses '" + scheme
                    + "'; the local provider only reads data: URLs (inline contents)");
        }
        int comma = source.indexOf(',');
        if (comma < 0) {
            throw new IllegalArgumentException("data URL '" + abbreviate(source) + "' has no ',' before its data");
        }
        String meta = source.substring("data:".length(), comma);
        String data = source.substring(comma + 1);
        byte[] bytes = meta.endsWith(";base64")
                ? Base64.getMimeDecoder().decode(percentDecode(data))
                : percentDecode(data);
        if (compression == null || compression.isEmpty()) {
            return bytes;
        }
        if (!compression.equals("gzip")) {
            throw new IllegalArgumentException("compression '" + compression + "' is not supported; use gzip or none");
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalArgumentException("gzip contents cannot be decompressed: " + e.getMessage(), e);
        }
    }

    /** RFC 3986 percent-decoding to bytes ({@code +} stays a plus, unlike form encoding). */
    static byte[] percentDecode(String text) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length) {
                int hi = Character.digit(in[i + 1], 16);
                int lo = Character.digit(in[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(in[i]);
        }
        return out.toByteArray();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
