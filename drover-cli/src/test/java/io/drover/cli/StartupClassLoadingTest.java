package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up work is proportional to the command: each command runs in a JVM of its own that logs every class it loads,
 * and the commands that read only the herd file and the state load no provider implementation, no etcd client
 * (jetcd, gRPC, Netty, protobuf) and no BouncyCastle. Providers may describe their settings (their factory classes
 * load, for validating the herd file), nothing more.
 */
class StartupClassLoadingTest {
    private static final List<String> HEAVY = List.of("org.bouncycastle.", "io.grpc.", "io.netty.", "io.etcd.", "com.google.protobuf.", "io.vertx.");

    @TempDir
    static Path dir;

    private static Path herd;

    /** A 3-member etcd herd with mutual TLS whose state records its servers (none runs: nothing here talks to them). */
    @BeforeAll
    static void herdWithState() throws Exception {
        herd = dir.resolve("drover.yaml");
        Files.writeString(herd, """
                herd: startup
                provider:
                  type: local
                  addresses: 127.0.122.0/24
                clusters:
                  etcd:
                    size: 3
                    role: etcd
                    image: host
                outputs:
                  etcd_endpoints: ${clusters.etcd.endpoints}
                  etcd_ca_file: ${clusters.etcd.ca_file}
                """);
        Training.recordServers(herd);
    }

    @Test
    void versionLoadsNeitherTheHerdModelNorAnyProvider() throws Exception {
        Run run = run("version");

        assertThat(run.output()).startsWith("drover ");
        assertThat(run.loaded()).noneMatch(c -> c.startsWith("io.drover.provider") || c.startsWith("io.drover.config.")
                || c.startsWith("io.drover.engine.") || c.startsWith("tools.jackson."));
        assertThat(run.loaded()).doesNotContain("picocli.CommandLine$Model$CommandSpec");
        assertThat(run.loaded()).as("System.exit asks the JDK's logger whether to log the exit; java.util.logging stays unstarted")
                .doesNotContain("java.util.logging.LogManager");
        assertNothingHeavy(run);
    }

    @Test
    void outputReadsTheStateWithoutProvidersOrKeys() throws Exception {
        Run run = run("output", "etcd_endpoints", "-f", herd.toString());

        assertThat(run.output().strip()).isEqualTo("https://127.0.0.2:2379,https://127.0.0.3:2379,https://127.0.0.4:2379");
        assertOnlyProviderDescriptions(run);
        assertNothingHeavy(run);
    }

    /**
     * The command scripts run in loops skips picocli's command model (reflection over every option, converters,
     * help) and Jackson's object mapper (the state is read token by token): together most of its time.
     */
    @Test
    void outputOfOneValueBuildsNoCommandModelAndNoObjectMapper() throws Exception {
        Run run = run("-f", herd.toString(), "output", "etcd_endpoints");

        assertThat(run.output().strip()).startsWith("https://127.0.0.2:2379,");
        assertThat(run.loaded()).doesNotContain("picocli.CommandLine$Model$CommandSpec")
                .noneMatch(c -> c.startsWith("tools.jackson.databind."));

        Run json = run("-f", herd.toString(), "output", "--json");

        assertThat(json.output()).contains("\"etcd_endpoints\" : \"https://127.0.0.2:2379,");
        assertThat(json.loaded()).noneMatch(c -> c.startsWith("tools.jackson.databind."));
    }

    @Test
    void showReadsTheStateWithoutProvidersOrKeys() throws Exception {
        Run run = run("-f", herd.toString(), "show");

        assertThat(run.output()).contains("etcd-0-1", "127.0.0.2");
        assertOnlyProviderDescriptions(run);
        assertNothingHeavy(run);
    }

    @Test
    void validateReadsOnlyTheHerdFile() throws Exception {
        Run run = run("validate", "-f", herd.toString());

        assertThat(run.output()).contains("is valid");
        assertOnlyProviderDescriptions(run);
        assertThat(run.loaded()).noneMatch(c -> c.startsWith("io.drover.state.") || c.startsWith("io.drover.engine."));
        assertNothingHeavy(run);
    }

    @Test
    void schemaLoadsNoProviderAtAll() throws Exception {
        Run run = run("schema");

        assertThat(run.output()).contains("\"$schema\"");
        assertThat(run.loaded()).noneMatch(c -> c.startsWith("io.drover.provider") || c.startsWith("io.drover.config."));
        assertNothingHeavy(run);
    }

    /** The check can fail: a plan opens the local provider and reads the etcd CA's key. */
    @Test
    void planLoadsTheProviderItTalksTo() throws Exception {
        Run run = run("plan", "-f", herd.toString());

        assertThat(run.loaded()).contains("io.drover.provider.local.LocalProvider").anyMatch(c -> c.startsWith("org.bouncycastle."));
        assertThat(run.loaded()).as("a plain plan command line builds no command model").doesNotContain("picocli.CommandLine$Model$CommandSpec");
        assertThat(run.loaded()).noneMatch(c -> c.startsWith("io.drover.provider.openstack.") && !c.endsWith("ProviderFactory"));
    }

    /** Providers' factories describe and check their settings (the local one parses its address range); none is opened. */
    private static void assertOnlyProviderDescriptions(Run run) {
        assertThat(run.loaded()).filteredOn(c -> c.startsWith("io.drover.provider."))
                .allMatch(c -> c.endsWith("ProviderFactory") || c.equals("io.drover.provider.local.AddressRange"));
    }

    private static void assertNothingHeavy(Run run) {
        assertThat(run.loaded()).as("classes loaded").noneMatch(c -> HEAVY.stream().anyMatch(c::startsWith));
    }

    record Run(String output, List<String> loaded) {}

    /** Runs drover in a JVM of its own on this test's class path, logging the classes it loads. */
    private static Run run(String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "classes", ".log");
        Path out = Files.createTempFile(dir, "out", ".txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xlog:class+load=info:file=" + log,
                "-cp", System.getProperty("java.class.path"), "io.drover.cli.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("drover %s finished", String.join(" ", args)).isTrue();
        String output = Files.readString(out);
        assertThat(p.exitValue()).as(output).isZero();
        List<String> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            // [0.012s][info][class,load] java.lang.Object source: shared objects file
            int start = line.indexOf("[class,load] ");
            if (start >= 0) {
                String rest = line.substring(start + "[class,load] ".length());
                loaded.add(rest.substring(0, rest.indexOf(' ') < 0 ? rest.length() : rest.indexOf(' ')));
            }
        }
        assertThat(loaded).contains("io.drover.cli.Main");
        return new Run(output, loaded);
    }
}
