package io.drover.cli;

import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

/** Terminal colours, only when a person is watching a terminal that wants them. */
final class Style {
    private final boolean color;

    Style(boolean color) {
        this.color = color;
    }

    static Style detect(boolean noColorFlag) {
        boolean tty = System.console() != null;
        boolean wanted = System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
        return new Style(!noColorFlag && tty && wanted);
    }

    String green(String s) {
        return paint(s, AttributedStyle.GREEN);
    }

    String red(String s) {
        return paint(s, AttributedStyle.RED);
    }

    String yellow(String s) {
        return paint(s, AttributedStyle.YELLOW);
    }

    String cyan(String s) {
        return paint(s, AttributedStyle.CYAN);
    }

    String bold(String s) {
        return color ? new AttributedString(s, AttributedStyle.BOLD).toAnsi() : s;
    }

    String dim(String s) {
        return color ? new AttributedString(s, AttributedStyle.DEFAULT.faint()).toAnsi() : s;
    }

    private String paint(String s, int c) {
        return color ? new AttributedString(s, AttributedStyle.DEFAULT.foreground(c)).toAnsi() : s;
    }
}
