package io.drover.config;

import java.util.function.IntFunction;

/**
 * A light check of systemd unit files and drop-ins: the INI-ish shape systemd reads, and an
 * {@code ExecStart=} in a service. Catches the mistakes that otherwise only show up as a server that boots
 * and does nothing.
 */
final class UnitFiles {
    private UnitFiles() {}

    /**
     * Reports the first line that is not a comment, a {@code [Section]} header or {@code Key=value} inside a
     * section, and (when {@code needsExecStart}) a missing {@code ExecStart=} in {@code [Service]}.
     *
     * @param positionOf where character N of {@code text} was written
     * @param where where whole-file problems point
     */
    static void check(String text, String name, boolean needsExecStart, IntFunction<SourcePosition> positionOf,
            SourcePosition where, Problems problems) {
        String section = null;
        boolean execStart = false;
        boolean continued = false;
        int offset = 0;
        for (String line : text.split("\n", -1)) {
            int lineOffset = offset;
            offset += line.length() + 1;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (Character.isISOControl(c) && c != '\t' && c != '\r') {
                    problems.add(positionOf.apply(lineOffset + i), name + " holds " + Problems.describeCharacter(c),
                            "unit files are plain text: remove it");
                    return;
                }
            }
            String trimmed = line.strip();
            int indent = line.length() - line.stripLeading().length();
            boolean wasContinued = continued;
            continued = trimmed.endsWith("\\");
            if (wasContinued || trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            SourcePosition at = positionOf.apply(lineOffset + indent);
            if (trimmed.startsWith("[")) {
                if (!trimmed.endsWith("]") || trimmed.length() < 3) {
                    problems.add(at, name + ": malformed section header '" + trimmed + "'", "write it as [Unit], [Service] or [Install]");
                    return;
                }
                section = trimmed.substring(1, trimmed.length() - 1);
            } else if (section == null) {
                problems.add(at, name + ": line '" + trimmed + "' is outside a section", "start the unit with a section header such as [Unit]");
                return;
            } else if (trimmed.indexOf('=') <= 0) {
                problems.add(at, name + ": line '" + trimmed + "' is not Key=value", "write settings as Key=value, e.g. Restart=always");
                return;
            } else if (section.equals("Service") && trimmed.substring(0, trimmed.indexOf('=')).strip().equals("ExecStart")
                    && !trimmed.substring(trimmed.indexOf('=') + 1).isBlank()) {
                execStart = true;
            }
        }
        if (needsExecStart && !execStart) {
            problems.add(where, name + " has no ExecStart= in its [Service] section",
                    "add ExecStart=/path/to/program under [Service] (Type=oneshot services need one too)");
        }
    }
}
