package io.drover.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/bench cli [RUNS]}: what a user feels most often, the whole {@code bin/drover} process (JDK lookup, JVM
 * start with the start-up cache the build made, the command) for {@code version}, {@code output}, {@code show} and
 * {@code plan} on a 3-member local etcd herd that is really running: first each command once right after a build
 * ({@code ./mvnw package}, as a user gets it; the caches come with the jar), then in steady state (the medians). When
 * {@code terraform} is on PATH, the same commands of Terraform on 3 {@code terraform_data} resources, run alternately
 * with Drover's, and the ratios.
 */
public final class CliBenchmark {
    private CliBenchmark() {}

    /** One command of each tool: what is run, and its label. */
    private record Pair(String label, List<String> drover, List<String> terraform) {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        Path home = Path.of(System.getProperty("drover.home", ".")).toAbsolutePath();
        Path drover = home.resolve("bin/drover");
        Path dir = Files.createTempDirectory("drover-bench-cli");
        Path file = dir.resolve("drover.yaml");
        Files.writeString(file, """
                herd: bench-cli
                provider:
                  type: local
                  addresses: 127.0.240.8/29
                clusters:
                  etcd:
                    size: 3
                    role: etcd
                    image: host
                outputs:
                  etcd_endpoints: ${clusters.etcd.endpoints}
                """);
        boolean terraform = onPath("terraform");
        Path tf = dir.resolve("terraform");
        System.out.printf(Locale.ROOT, "cli benchmark: %d runs per command, load %s, %s%n", runs, load(),
                terraform ? "against " + firstLine(run(dir, List.of("terraform", "version"))) : "terraform not on PATH (no ratios)");

        // A fresh build (jar and start-up caches), as a user has it after ./mvnw package, with the herd running.
        exec(home, List.of(home.resolve("mvnw").toString(), "-q", "-B", "-DskipTests", "package", "-pl", "drover-cli", "-am"));
        exec(dir, List.of(drover.toString(), "-f", file.toString(), "apply", "--auto-approve"));
        try {
            if (terraform) {
                Files.createDirectories(tf);
                Files.writeString(tf.resolve("main.tf"), """
                        resource "terraform_data" "etcd" {
                          count = 3
                          input = "etcd-${count.index}"
                        }
                        output "etcd_endpoints" {
                          value = join(",", terraform_data.etcd[*].output)
                        }
                        """);
                exec(tf, List.of("terraform", "init", "-input=false"));
                exec(tf, List.of("terraform", "apply", "-auto-approve", "-input=false"));
            }
            String f = file.toString();
            List<Pair> pairs = List.of(
                    new Pair("version", List.of(drover.toString(), "version"), List.of("terraform", "version")),
                    new Pair("output NAME", List.of(drover.toString(), "-f", f, "output", "etcd_endpoints"),
                            List.of("terraform", "output", "-raw", "etcd_endpoints")),
                    new Pair("show", List.of(drover.toString(), "-f", f, "show"), List.of("terraform", "show", "-no-color")),
                    new Pair("plan", List.of(drover.toString(), "-f", f, "plan"), List.of("terraform", "plan", "-input=false", "-no-color")));
            // The first of each command after the build (the apply above touched neither these commands' caches nor
            // the files they read, but the page cache holds the jar and the caches: what a user gets, too).
            Map<String, Double> first = new LinkedHashMap<>();
            for (Pair p : pairs) {
                first.put(p.label(), time(dir, p.drover()));
            }
            Map<String, double[]> results = new LinkedHashMap<>();
            for (Pair p : pairs) {
                List<Double> d = new ArrayList<>();
                List<Double> t = new ArrayList<>();
                for (int i = 0; i < runs + 1; i++) { // the first run of each is a warm-up (file cache)
                    double dt = time(dir, p.drover());
                    double tt = terraform ? time(tf, p.terraform()) : Double.NaN;
                    if (i > 0) {
                        d.add(dt);
                        t.add(tt);
                    }
                }
                d.sort(Double::compare);
                t.sort(Double::compare);
                results.put(p.label(), new double[] {d.get(d.size() / 2), d.get(0), d.get(d.size() - 1),
                        t.get(t.size() / 2), t.get(0), t.get(t.size() - 1)});
            }
            System.out.printf(Locale.ROOT, "%-12s %18s %28s %28s %7s%n", "command", "drover first (s)", "drover steady median (min-max)",
                    "terraform median (min-max)", "ratio");
            for (Map.Entry<String, double[]> e : results.entrySet()) {
                double[] r = e.getValue();
                System.out.printf(Locale.ROOT, "%-12s %18.3f %16.3f s (%.3f-%.3f) %14s %7s%n", e.getKey(), first.get(e.getKey()), r[0], r[1], r[2],
                        terraform ? String.format(Locale.ROOT, "%.3f s (%.3f-%.3f)", r[3], r[4], r[5]) : "-",
                        terraform ? String.format(Locale.ROOT, "%.2fx", r[0] / r[3]) : "-");
            }
        } finally {
            exec(dir, List.of(drover.toString(), "-f", file.toString(), "destroy", "--auto-approve"));
            new ProcessBuilder("rm", "-rf", dir.toString()).inheritIO().start().waitFor();
        }
    }

    private static double time(Path dir, List<String> command) throws Exception {
        long t0 = System.nanoTime();
        exec(dir, command);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void exec(Path dir, List<String> command) throws Exception {
        String out = run(dir, command);
        if (out == null) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    /** Runs a command to its end; its output, or null if it failed (its output then printed). */
    private static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("drover-bench-cli", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            String out = Files.readString(log);
            if (p.exitValue() != 0 && !(command.contains("plan") && p.exitValue() == 2)) {
                System.out.println(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
                return null;
            }
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    /** Terraform's version line (it may print warnings about its CLI configuration first). */
    private static String firstLine(String s) {
        return s == null ? "?" : s.lines().filter(l -> l.startsWith("Terraform v")).findFirst().orElse(s.lines().findFirst().orElse("?"));
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
