package io.drover.cli;

/** The main class of the stand-in jar {@link LauncherTest} gives bin/drover: prints its arguments. */
public final class LauncherProbe {
    private LauncherProbe() {}

    public static void main(String[] args) {
        System.out.println("probe " + String.join(" ", args));
    }
}
