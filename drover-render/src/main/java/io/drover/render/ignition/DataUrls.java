package io.drover.render.ignition;

import java.nio.charset.StandardCharsets;

/**
 * RFC 2397 {@code data:} URLs for file contents. Percent-encoding (not base64) keeps rendered configs readable
 * in {@code drover render} output and in diffs.
 */
final class DataUrls {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private DataUrls() {}

    static String of(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder url = new StringBuilder(bytes.length + 16).append("data:,");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (isLiteral(c)) {
                url.append((char) c);
            } else {
                url.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return url.toString();
    }

    // RFC 3986 unreserved characters and the sub-delimiters that mean nothing after the comma of a data URL.
    // '%', '?', '#' and '+' are escaped: URL parsers split on ? and #, and some decoders read + as a space.
    private static boolean isLiteral(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "-._~!$&'()*,;=:@/".indexOf(c) >= 0;
    }
}
