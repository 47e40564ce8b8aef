package io.drover.backup;

import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away single-member etcd on this machine, seeded from a full snapshot with etcd's own {@code snapshot restore}
 * (which checks the snapshot's hash): where a restore reads and replays a backup before anything of the cluster is
 * touched, and where {@code drover backups --verify} proves a snapshot restores. It listens on 127.0.0.1 only, on free
 * ports, plain http; its directory is deleted when it is closed.
 */
public final class ScratchMember implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path dir;
    private final String endpoint;
    private final Client client;

    private ScratchMember(Process process, Path dir, String endpoint) {
        this.process = process;
        this.dir = dir;
        this.endpoint = endpoint;
        this.client = Client.builder().endpoints(endpoint).maxInboundMessageSize(64 * 1024 * 1024).build();
    }

    /**
     * Restores {@code db} into a new data directory and starts etcd on it.
     *
     * @param binaries where {@code etcd} and {@code etcdctl} are (Debian's etcd-server and etcd-client: /usr/bin)
     * @throws BackupException.Damaged when etcd refuses the snapshot (a bad hash, not a snapshot)
     */
    public static ScratchMember seed(byte[] db, Path binaries, String what) throws BackupException, InterruptedException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("drover-restore-");
            Path file = Files.write(dir.resolve("snapshot.db"), db);
            int peer = freePort();
            int clientPort = freePort();
            String peerUrl = "http://127.0.0.1:" + peer;
            String clientUrl = "http://127.0.0.1:" + clientPort;
            Path data = dir.resolve("data");
            ProcessBuilder restore = new ProcessBuilder(binaries.resolve("etcdctl").toString(), "snapshot", "restore", file.toString(),
                    "--data-dir", data.toString(), "--name", "scratch", "--initial-cluster", "scratch=" + peerUrl,
                    "--initial-advertise-peer-urls", peerUrl).redirectErrorStream(true);
            restore.environment().put("ETCDCTL_API", "3");
            Process r = restore.start();
            String out = new String(r.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (r.waitFor() != 0) {
                throw new BackupException.Damaged("etcd cannot restore " + what + ": " + lastLine(out) + "; restore from another snapshot");
            }
            Files.delete(file);
            List<String> cmd = new ArrayList<>(List.of(binaries.resolve("etcd").toString(), "--name", "scratch", "--data-dir", data.toString(),
                    "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl, "--listen-peer-urls", peerUrl,
                    "--initial-advertise-peer-urls", peerUrl, "--initial-cluster", "scratch=" + peerUrl,
                    // a restored database may be larger than the default 2 GiB quota allows to grow
                    "--quota-backend-bytes", Long.toString(8L << 30), "--log-level", "warn", "--logger", "zap"));
            Process etcd = new ProcessBuilder(outlivingNoDrover(cmd)).redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
            ScratchMember member = new ScratchMember(etcd, dir, clientUrl);
            member.awaitServing(clientPort);
            return member;
        } catch (IOException e) {
            delete(dir);
            throw new BackupException.Incomplete("cannot start a scratch etcd to read the snapshot (needs " + binaries.resolve("etcd")
                    + " and etcdctl, Debian's etcd-server and etcd-client): " + e.getMessage(), e);
        }
    }

    public Client client() {
        return client;
    }

    public String endpoint() {
        return endpoint;
    }

    private void awaitServing(int port) throws BackupException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = log();
                close();
                throw new BackupException.Damaged("etcd exited on the restored snapshot: " + lastLine(log));
            }
            try {
                client.getKVClient().get(EtcdClients.ALL, io.etcd.jetcd.options.GetOption.builder().withCountOnly(true).build())
                        .get(2, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                Thread.sleep(50); // not serving yet: a restored database is opened (and checked) first
            }
        }
        close();
        throw new BackupException.Incomplete("a scratch etcd on the restored snapshot did not serve within " + START_TIMEOUT.toSeconds() + " s", null);
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("etcd.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    /**
     * The command run by a shell that ends it once this JVM is gone: a restore or heal killed with -9 must not leave a
     * scratch etcd running for ever (Linux's parent-death signal cannot be set from Java).
     */
    private static List<String> outlivingNoDrover(List<String> command) {
        return endingWith(ProcessHandle.current().pid(), command);
    }

    /** {@code command} run by a shell that kills it once process {@code owner} is gone (or ends with it). */
    static List<String> endingWith(long owner, List<String> command) {
        String watch = "\"$@\" & e=$!; while kill -0 " + owner
                + " 2>/dev/null && kill -0 $e 2>/dev/null; do sleep 1; done; kill -9 $e 2>/dev/null; wait $e";
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", watch, "drover-scratch-etcd"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        client.close();
        process.descendants().forEach(ProcessHandle::destroyForcibly); // etcd, under its watching shell
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delete(dir);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: at worst left for the system to clean
        }
    }
}
