package io.drover.cli;

/**
 * How many rounds the repetitive end-to-end tests (kill trials, migrations) run. The default covers each kind of
 * moment once and keeps the suite within CI's time; {@code -Ddrover.test.thorough=true} runs every round (before a
 * release, or when touching the engine's crash recovery).
 */
final class TestDepth {
    private TestDepth() {}

    static boolean thorough() {
        return Boolean.parseBoolean(System.getProperty("drover.test.thorough", "false"));
    }

    /** {@code quick} rounds by default, {@code thorough} when asked. */
    static int rounds(int quick, int thorough) {
        return thorough() ? thorough : quick;
    }
}
