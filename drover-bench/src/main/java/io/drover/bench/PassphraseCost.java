package io.drover.bench;

import io.drover.state.State;
import io.drover.state.StateCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Part of {@code bin/bench state}: what a state passphrase adds to a short command, the whole {@code bin/drover
 * output NAME} process (as the README's {@code out()} helper runs it), without encryption and with a passphrase of
 * OpenTofu's default stretching (PBKDF2-HMAC-SHA512, 600,000 iterations), run alternately. Wall time, and the CPU
 * time of the process (user + system, from the shell's {@code times}), which other work on a shared machine
 * inflates much less.
 */
final class PassphraseCost {
    private static final String VARIABLE = "DROVER_BENCH_PASSPHRASE";
    private static final String HERD = """
            herd: bench-output
            clusters:
              web: {size: 1, image: host}
            outputs:
              url: http://${clusters.web.ips}
            """;

    private PassphraseCost() {}

    /** Timings of one setup: wall and CPU seconds per run. */
    private record Runs(List<Double> wall, List<Double> cpu) {
        Runs() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        static double median(List<Double> values) {
            List<Double> sorted = new ArrayList<>(values);
            sorted.sort(Double::compare);
            return sorted.get(sorted.size() / 2);
        }
    }

    static void run(Path home, int runs) throws Exception {
        Path drover = home.resolve("bin/drover");
        Path dir = Files.createTempDirectory("drover-bench-passphrase");
        Path plain = Files.createDirectories(dir.resolve("plain")).resolve("drover.yaml");
        Path secret = Files.createDirectories(dir.resolve("passphrase")).resolve("drover.yaml");
        Files.writeString(plain, HERD);
        Files.writeString(secret, HERD + "state:\n  encryption:\n    passphraseEnv: " + VARIABLE + "\n");
        Path state = Files.write(dir.resolve("state.json"),
                StateCodec.json(State.empty("bench-output").withOutputs(Map.of("url", "http://127.0.0.9")).nextSerial()));
        Map<String, String> env = Map.of(VARIABLE, "a passphrase of the benchmark, long enough");

        exec(dir, env, List.of(drover.toString(), "version")); // builds the jar and its start-up caches if needed
        for (Path herd : List.of(plain, secret)) {
            exec(dir, env, List.of(drover.toString(), "state", "push", "-f", herd.toString(), state.toString()));
        }
        Runs without = new Runs();
        Runs with = new Runs();
        for (int i = -1; i < runs; i++) { // the first round is a warm-up (file cache)
            time(dir, env, List.of(drover.toString(), "output", "-f", plain.toString(), "url"), i < 0 ? new Runs() : without);
            time(dir, env, List.of(drover.toString(), "output", "-f", secret.toString(), "url"), i < 0 ? new Runs() : with);
        }
        System.out.printf(Locale.ROOT, "  bin/drover output NAME, %d runs each (medians), load %s:%n", runs, CliBenchmark.load());
        System.out.printf(Locale.ROOT, "    unencrypted state        %6.3f s wall, %6.3f s CPU%n",
                Runs.median(without.wall()), Runs.median(without.cpu()));
        System.out.printf(Locale.ROOT, "    passphrase (600,000 it.) %6.3f s wall, %6.3f s CPU%n",
                Runs.median(with.wall()), Runs.median(with.cpu()));
        System.out.printf(Locale.ROOT, "    a passphrase adds        %6.3f s wall, %6.3f s CPU%n",
                Runs.median(with.wall()) - Runs.median(without.wall()), Runs.median(with.cpu()) - Runs.median(without.cpu()));
        new ProcessBuilder("rm", "-rf", dir.toString()).inheritIO().start().waitFor();
    }

    /** Runs the command under sh, whose 'times' then prints the CPU time its children used. */
    private static void time(Path dir, Map<String, String> env, List<String> command, Runs into) throws Exception {
        List<String> sh = new ArrayList<>(List.of("sh", "-c", "\"$@\" > /dev/null && times", "sh"));
        sh.addAll(command);
        long start = System.nanoTime();
        String out = exec(dir, env, sh);
        into.wall().add((System.nanoTime() - start) / 1e9);
        // times: the shell's own user and system time, then its children's: "0m1.234s 0m0.056s"
        String[] children = out.strip().lines().reduce((a, b) -> b).orElseThrow().split("\\s+");
        into.cpu().add(seconds(children[0]) + seconds(children[1]));
    }

    private static double seconds(String time) {
        int m = time.indexOf('m');
        return Integer.parseInt(time.substring(0, m)) * 60 + Double.parseDouble(time.substring(m + 1, time.length() - 1));
    }

    private static String exec(Path dir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("drover-bench-passphrase", ".log");
        try {
            ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            b.environment().putAll(env);
            Process p = b.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 5 minutes");
            }
            String out = Files.readString(log);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
