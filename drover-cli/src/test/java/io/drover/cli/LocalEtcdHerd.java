package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.local.LocalServers;
import io.drover.testkit.EtcdWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A real 3-member etcd herd on the local provider (the etcd-local example on an address range of its own), driven
 * through the CLI: in this JVM for quick commands, in JVMs of their own for commands a test kills with SIGKILL.
 */
final class LocalEtcdHerd implements AutoCloseable {
    final Path dir;
    final Path file;
    /** etcdctl's options naming the client files drover wrote (their paths do not change). */
    private List<String> clientFiles;
    private final String name;
    private final String addresses;

    /** @param addresses a loopback range no other test uses, e.g. 127.0.81.0/24 */
    LocalEtcdHerd(Path dir, String name, String addresses) throws IOException {
        this.dir = dir;
        this.name = name;
        this.addresses = addresses;
        this.file = dir.resolve("drover.yaml");
        write(100);
    }

    /** (Re)writes the herd file with this heartbeat interval: a change of it replaces every member. */
    void write(int heartbeat) throws IOException {
        write(heartbeat, 10_000);
    }

    /** (Re)writes the herd file with this heartbeat interval and etcd's {@code snapshot-count} (the example's: 10,000). */
    void write(int heartbeat, int snapshotCount) throws IOException {
        String text = Files.readString(Path.of("..", "examples", "etcd-local", "drover.yaml"))
                .replace("herd: etcd-local", "herd: " + name)
                .replace("  type: local\n", "  type: local\n  addresses: " + addresses + "\n")
                .replaceAll("heartbeat-interval: \\d+", "heartbeat-interval: " + heartbeat)
                .replaceAll("snapshot-count: \\d+", "snapshot-count: " + snapshotCount);
        Files.writeString(file, text);
    }

    /** Runs drover in this JVM with {@code -f FILE} added. */
    Cli.Result drover(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-f");
        all.add(file.toString());
        return Cli.run(all.toArray(String[]::new));
    }

    /** Runs drover in a JVM of its own (so it can be killed), output to {@code log} in the herd directory. */
    Process start(String log, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-f");
        all.add(file.toString());
        return new DroverProcess(dir, null, log).start(all.toArray(String[]::new));
    }

    String log(String log) throws IOException {
        Path p = dir.resolve(log);
        return Files.exists(p) ? Files.readString(p) : "";
    }

    String output(String name) {
        Cli.Result r = drover("output", name);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out().strip();
    }

    List<String> endpoints() {
        return List.of(output("etcd_endpoints").split(","));
    }

    /** The client identity drover wrote for users of the cluster (its CA, a client certificate and key). */
    javax.net.ssl.SSLContext clientTls() throws IOException {
        return io.drover.render.pki.PemKeyStores.sslContext(new io.drover.render.pki.IssuedCertificate(
                Files.readString(Path.of(output("etcd_cert_file"))), Files.readString(Path.of(output("etcd_key_file"))),
                Files.readString(Path.of(output("etcd_ca_file")))));
    }

    EtcdWriter writer() throws IOException {
        return new EtcdWriter(endpoints(), clientTls());
    }

    /** The recorded servers, by name, as {@code show --json} reports them. */
    List<JsonNode> servers() {
        Cli.Result r = drover("show", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<JsonNode> list = new ArrayList<>();
        Json.MAPPER.readTree(r.out()).path("servers").forEach(list::add);
        return list;
    }

    List<String> serverNames() {
        return servers().stream().map(s -> s.get("name").asString()).sorted().toList();
    }

    /** etcdctl with the client files the outputs name; its exit code. */
    int etcdctl(List<String> endpoints, String... args) throws Exception {
        if (clientFiles == null) {
            clientFiles = List.of("--cacert=" + output("etcd_ca_file"), "--cert=" + output("etcd_cert_file"), "--key=" + output("etcd_key_file"));
        }
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints), "--dial-timeout=2s",
                "--command-timeout=3s"));
        cmd.addAll(clientFiles);
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    /** SIGKILL to a server's whole process group (its supervisor and etcd). */
    void kill(String server) throws Exception {
        OptionalLong pgid = LocalServers.processGroup(dir.resolve(".drover").resolve("local").resolve("servers").resolve(server));
        assertThat(pgid).as("process group of " + server).isPresent();
        assertThat(pgid.getAsLong()).isGreaterThan(1);
        Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pgid.getAsLong()).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes());
        assertThat(kill.waitFor()).as("kill -KILL -- -%d: %s", pgid.getAsLong(), out).isZero();
    }

    /**
     * The herd is whole: 3 recorded servers, none tainted, each answering etcdctl endpoint health, the cluster's member
     * list exactly the recorded servers (no learner, no unstarted member), and plan has nothing to do.
     */
    /**
     * Full strength, checked without running drover (whose commands would make each check take seconds and so blur a
     * latency measured with it): the state file records 3 servers, none tainted; etcd says each is healthy; the member
     * list is exactly them. {@link #assertWhole} checks the rest (the next plan is empty).
     */
    void assertFullStrength(EtcdWriter writer, String context) throws Exception {
        io.drover.state.State state = new io.drover.state.FileStateStore(dir.resolve(".drover")).read().orElseThrow();
        List<io.drover.state.ServerRecord> servers = state.cluster("etcd");
        assertThat(servers).as(context + ": recorded servers").hasSize(3).noneMatch(io.drover.state.ServerRecord::tainted);
        List<String> endpoints = servers.stream().map(s -> "https://" + s.ip() + ":2379").toList();
        assertThat(etcdctl(endpoints, "endpoint", "health")).as(context + ": etcdctl endpoint health " + endpoints).isZero();
        writer.learn(endpoints);
        assertThat(writer.members()).as(context + ": member list")
                .containsExactlyInAnyOrderElementsOf(servers.stream().map(io.drover.state.ServerRecord::name).toList());
    }

    void assertWhole(EtcdWriter writer, String context) throws Exception {
        List<JsonNode> servers = servers();
        assertThat(servers).as(context + ": recorded servers").hasSize(3);
        assertThat(servers).as(context + ": tainted servers").noneMatch(s -> s.get("tainted").asBoolean());
        List<String> endpoints = endpoints();
        assertThat(etcdctl(endpoints, "endpoint", "health")).as(context + ": etcdctl endpoint health " + endpoints).isZero();
        writer.learn(endpoints);
        assertThat(writer.members()).as(context + ": member list").containsExactlyInAnyOrderElementsOf(serverNames());
        Cli.Result plan = drover("plan", "--detailed-exitcode");
        assertThat(plan.exitCode()).as(context + ": the next plan is empty\n" + plan).isZero();
    }

    /** Every acknowledged write is readable. */
    static void assertNoWriteLost(EtcdWriter writer, String context) {
        List<String> written = writer.acknowledged();
        var readable = writer.keys(keyPrefix(written));
        assertThat(readable).as(context + ": the cluster answers a range read").isNotNull();
        List<String> lost = written.stream().filter(k -> !readable.contains(k)).toList();
        assertThat(lost).as("%s: %d acknowledged writes lost out of %d (first %s)", context, lost.size(), written.size(),
                lost.isEmpty() ? "-" : lost.get(0)).isEmpty();
    }

    private static String keyPrefix(List<String> keys) {
        return keys.isEmpty() ? "w/" : keys.get(0).replaceAll("\\d+$", "");
    }

    /**
     * A latency bound the issue sets (e.g. "full strength within 10 s"), stretched by {@code -Ddrover.test.slowness=N}
     * on a machine shared with other heavy work; 1 (the bound as written) unless told otherwise, as in CI.
     */
    static java.time.Duration bound(java.time.Duration d) {
        double factor = Double.parseDouble(System.getProperty("drover.test.slowness", "1"));
        return java.time.Duration.ofMillis(Math.round(d.toMillis() * Math.max(1, factor)));
    }

    @Override
    public void close() {
        drover("destroy", "--auto-approve", "--lock-timeout", "30s");
    }
}
