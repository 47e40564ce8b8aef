package io.drover.cli;

import io.drover.testkit.EtcdWriter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.provider.local.LocalProvider;
import io.drover.provider.local.LocalProviderFactory;
import io.drover.spi.ProviderContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The foundation issue's "done when", tried as a user would: the example herd brought up on the local
 * provider with the real etcd binary, then changed, damaged and destroyed through the CLI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdLocalEndToEndTest {
    @TempDir
    static Path dir;

    private Path herdFile;

    @BeforeAll
    void copyTheExample() throws IOException {
        Path example = Path.of("..", "examples", "etcd-local", "drover.yaml");
        String text = Files.readString(example)
                // A range of our own, so the test never meets another herd on this machine.
                .replace("  type: local\n", "  type: local\n  addresses: 127.0.77.0/24\n");
        herdFile = dir.resolve("drover.yaml");
        Files.writeString(herdFile, text);
    }

    @AfterAll
    void destroyWhateverIsLeft() {
        Cli.run("destroy", "--auto-approve", "-f", herdFile.toString());
    }

    private Cli.Result drover(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-f");
        all.add(herdFile.toString());
        return Cli.run(all.toArray(String[]::new));
    }

    private List<String> endpoints() {
        return List.of(output("etcd_endpoints").split(","));
    }

    private String output(String name) {
        Cli.Result r = drover("output", name);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out().strip();
    }

    /** The client identity drover wrote for users of the cluster (its CA, a client certificate and key). */
    private javax.net.ssl.SSLContext clientTls() throws IOException {
        return io.drover.render.pki.PemKeyStores.sslContext(new io.drover.render.pki.IssuedCertificate(
                Files.readString(Path.of(output("etcd_cert_file"))), Files.readString(Path.of(output("etcd_key_file"))),
                Files.readString(Path.of(output("etcd_ca_file")))));
    }

    private int etcdctl(List<String> endpoints, String... args) throws Exception {
        return etcdctlWith(endpoints, true, args);
    }

    private int etcdctlWith(List<String> endpoints, boolean withCertificate, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints), "--dial-timeout=2s", "--command-timeout=3s",
                "--cacert=" + output("etcd_ca_file")));
        if (withCertificate) {
            cmd.add("--cert=" + output("etcd_cert_file"));
            cmd.add("--key=" + output("etcd_key_file"));
        }
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private JsonNode planJson() {
        Cli.Result r = drover("plan", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Json.MAPPER.readTree(r.out());
    }

    @Test
    @Order(1)
    void applyBringsUpThreeHealthyMembers() throws Exception {
        Cli.Result r = drover("apply", "--auto-approve");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Apply complete!").contains("etcd_endpoints = https://127.0.77.");

        List<String> endpoints = endpoints();
        assertThat(endpoints).hasSize(3).doesNotHaveDuplicates();
        assertThat(etcdctl(endpoints, "endpoint", "health")).isZero();
        for (String e : endpoints) {
            assertThat(etcdctl(List.of(e), "endpoint", "health")).as(e).isZero();
        }
    }

    @Test
    @Order(2)
    void clusterRunsMutualTlsAndRefusesAClientWithoutACertificate() throws Exception {
        assertThat(Files.getPosixFilePermissions(Path.of(output("etcd_key_file"))))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(etcdctlWith(endpoints(), false, "put", "anonymous", "x")).isNotZero();
        assertThat(etcdctlWith(endpoints(), true, "put", "identified", "x")).isZero();
        assertThat(drover("show", "--json").out()).doesNotContain("PRIVATE KEY");
        assertThat(drover("plan").out()).doesNotContain("PRIVATE KEY");
    }

    @Test
    @Order(3)
    void secondApplyChangesNothing() {
        Cli.Result plan = drover("plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("No changes.");

        String stateBefore = read(dir.resolve(".drover/state.json"));
        Cli.Result apply = drover("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(read(dir.resolve(".drover/state.json"))).isEqualTo(stateBefore);
    }

    @Test
    @Order(4)
    void changedMemberFlagReplacesEachMemberInTurnWithoutLosingAnAcknowledgedWrite() throws Exception {
        Files.writeString(herdFile, read(herdFile).replace("heartbeat-interval: 100", "heartbeat-interval: 120"));
        JsonNode plan = planJson();
        assertThat(plan.get("summary").get("replace").asInt()).isEqualTo(3);
        assertThat(drover("plan", "--detailed-exitcode").exitCode()).isEqualTo(2);

        Cli.Result apply;
        List<String> acknowledged;
        try (EtcdWriter writer = new EtcdWriter(endpoints(), clientTls()).start("e2e/")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged().size() > 20);
            apply = drover("apply", "--auto-approve", "--json");
            int before = writer.acknowledged().size();
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged().size() > before + 20);
            acknowledged = writer.acknowledged();
        }
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        // One at a time: each replacement finishes before the next one starts.
        assertThat(ApplyEvents.replacements(apply.out())).isEqualTo(new ApplyEvents.Replacements(3, 1));
        // The create after a member just joined waits for etcd's strict-reconfig-check: a line says so, not silence.
        assertThat(apply.out().lines().filter(l -> l.contains("\"progress\"") && l.contains("strict-reconfig-check")))
                .as(apply.out()).isNotEmpty();

        List<String> endpoints = endpoints();
        assertThat(endpoints).hasSize(3);
        assertThat(etcdctl(endpoints, "endpoint", "health")).isZero();
        try (EtcdWriter reader = new EtcdWriter(endpoints, clientTls())) {
            List<String> lost = acknowledged.stream().filter(k -> !reader.has(k)).toList();
            assertThat(lost).as("acknowledged writes lost of " + acknowledged.size()).isEmpty();
        }
        assertThat(drover("plan", "--detailed-exitcode").exitCode()).isZero();
    }

    /**
     * After the rolling replacement every member joined a running cluster: render shows each member's real address and
     * recorded peers (no documentation addresses) and says in the env file that such a member booted with "existing".
     */
    @Test
    @Order(5)
    void renderOfARecordedMemberShowsItsRealPeersAndSaysWhatItCannotKnow() throws Exception {
        JsonNode servers = Json.MAPPER.readTree(drover("show", "--json").out()).get("servers");
        String name = servers.get(1).get("name").asString();
        Cli.Result render = drover("render", "--server", name);
        assertThat(render.exitCode()).as(render.toString()).isZero();
        String env = null;
        for (JsonNode f : Json.MAPPER.readTree(render.out()).path("storage").path("files")) {
            if (f.get("path").asString().equals("/etc/drover/etcd.env")) {
                String source = f.get("contents").get("source").asString();
                env = java.net.URLDecoder.decode(source.substring("data:,".length()).replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        assertThat(env).as(render.out()).isNotNull().doesNotContain("192.0.2.");
        for (JsonNode s : servers) {
            assertThat(env).contains(s.get("name").asString() + "=https://" + s.get("address").asString() + ":2380");
        }
        Path real = dir.resolve(".drover/local/servers").resolve(name).resolve("root/etc/drover/etcd.env");
        assertThat(Files.readString(real)).contains("ETCD_INITIAL_CLUSTER_STATE=existing");
        assertThat(env).contains("booted with ETCD_INITIAL_CLUSTER_STATE=existing").contains("/etc/drover/etcd.env has what it got");
    }

    @Test
    @Order(5)
    void killedServerIsPlannedAsNotRunningAndRecreated() throws Exception {
        JsonNode show = Json.MAPPER.readTree(drover("show", "--json").out());
        String victim = show.get("servers").get(1).get("id").asString();
        String resource = show.get("servers").get(1).get("resource").asString();
        try (LocalProvider provider = localProvider()) {
            OptionalLong pgid = provider.processGroup(victim);
            assertThat(pgid).isPresent();
            assertThat(pgid.getAsLong()).isGreaterThan(1);
            // "--" matters: without it some kill(1)s read "-PGID" as options, and a bad parse can mean "every process".
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pgid.getAsLong()).start();
            assertThat(kill.waitFor()).isZero();
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode plan = planJson();
            JsonNode change = find(plan, resource);
            assertThat(change.get("action").asString()).isEqualTo("replace");
            assertThat(change.get("reason").asString()).isEqualTo("not_running");
        });
        Cli.Result apply = drover("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        List<String> endpoints = endpoints();
        assertThat(endpoints).hasSize(3);
        assertThat(etcdctl(endpoints, "endpoint", "health")).isZero();
        assertThat(drover("plan", "--detailed-exitcode").exitCode()).isZero();
    }

    @Test
    @Order(7)
    void destroyLeavesNoServerProcessAndAnEmptyState() throws Exception {
        JsonNode show = Json.MAPPER.readTree(drover("show", "--json").out());
        List<Long> groups = new ArrayList<>();
        try (LocalProvider provider = localProvider()) {
            for (JsonNode s : show.get("servers")) {
                provider.processGroup(s.get("id").asString()).ifPresent(groups::add);
            }
        }
        assertThat(groups).hasSize(3);

        Cli.Result destroy = drover("destroy", "--auto-approve");
        assertThat(destroy.exitCode()).as(destroy.toString()).isZero();

        for (long pgid : groups) {
            assertThat(ProcessHandle.of(pgid)).as("supervisor " + pgid).isEmpty();
        }
        JsonNode after = Json.MAPPER.readTree(drover("show", "--json").out());
        assertThat(after.get("servers")).isEmpty();
        assertThat(drover("plan", "--destroy", "--detailed-exitcode").exitCode()).isZero();
    }

    @Test
    @Order(6)
    void rotatingTheCaRollsEveryMemberAndRetiresTheOldCa() throws Exception {
        List<String> endpoints = endpoints();
        assertThat(etcdctl(endpoints, "put", "before-rotation", "kept")).isZero();
        String oldCa = Files.readString(Path.of(output("etcd_ca_file")));
        Path oldCert = Files.copy(Path.of(output("etcd_cert_file")), dir.resolve("old-client.crt"));
        Path oldKey = Files.copy(Path.of(output("etcd_key_file")), dir.resolve("old-client.key"));

        Cli.Result r = drover("rotate-ca", "--auto-approve");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("CA rotated");
        assertThat(r.out().split("replaced etcd-", -1)).as("three rolling replacements of 3 members").hasSize(10);

        assertThat(Files.readString(Path.of(output("etcd_ca_file")))).isNotEqualTo(oldCa);
        List<String> now = endpoints();
        assertThat(etcdctl(now, "endpoint", "health")).isZero();
        assertThat(etcdctl(now, "get", "before-rotation")).isZero();
        try (EtcdWriter reader = new EtcdWriter(now, clientTls())) {
            assertThat(reader.has("before-rotation")).isTrue();
        }
        // A client of the old CA is refused now.
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", now), "--dial-timeout=2s",
                "--command-timeout=3s", "--cacert=" + output("etcd_ca_file"), "--cert=" + oldCert, "--key=" + oldKey, "put", "x", "y"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(drover("plan", "--detailed-exitcode").exitCode()).isZero();
    }

    private LocalProvider localProvider() throws Exception {
        return (LocalProvider) new LocalProviderFactory().open(new ProviderContext("etcd-local",
                Map.of("addresses", "127.0.77.0/24"), dir.resolve(".drover"), System.getenv()));
    }

    private static JsonNode find(JsonNode plan, String resource) {
        for (JsonNode c : plan.get("changes")) {
            if (c.get("resource").asString().equals(resource)) {
                return c;
            }
        }
        throw new AssertionError("no change for " + resource + " in " + plan);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
