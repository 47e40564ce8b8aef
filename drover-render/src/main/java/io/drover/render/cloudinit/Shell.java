package io.drover.render.cloudinit;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Commands as {@code sh} lines. runcmd also takes argv lists, but lines read far better in {@code drover
 * render} output; quoting keeps paths with spaces or quotes from being split or interpreted.
 */
final class Shell {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private Shell() {}

    static String command(String... argv) {
        return List.of(argv).stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    static String quote(String arg) {
        if (SAFE.matcher(arg).matches()) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
