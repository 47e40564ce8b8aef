package io.drover.cli;

import tools.jackson.databind.JsonNode;

/** Reads {@code apply --json} event lines, to check how steps ran. */
final class ApplyEvents {
    /** How many replacements started, and the most that ran at once. */
    record Replacements(int count, int mostAtOnce) {}

    private ApplyEvents() {}

    static Replacements replacements(String jsonLines) {
        int open = 0;
        int most = 0;
        int count = 0;
        for (String line : jsonLines.split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode e = Json.MAPPER.readTree(line);
            if (!"replace".equals(e.path("action").asString(""))) {
                continue;
            }
            switch (e.get("type").asString()) {
                case "started" -> {
                    count++;
                    most = Math.max(most, ++open);
                }
                case "finished", "failed" -> open--;
                default -> {}
            }
        }
        return new Replacements(count, most);
    }
}
