package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/disaster-recovery.md can be followed as written: its shell blocks marked {@code <!-- doc-test: ... -->} are run,
 * in order, each in a shell of its own (so each stands alone, as a reader under stress copies it), against a real
 * 3-member etcd herd that lost quorum: two members killed with SIGKILL and their data deleted. The cluster comes back
 * from the snapshot, with the data written before it and without the write after it.
 */
class DisasterRecoveryDocTest {
    private static final Path DOC = Path.of("..", "docs", "disaster-recovery.md");
    /** A marker, then a fenced sh block (possibly indented, inside a list item). */
    private static final Pattern BLOCK = Pattern.compile(
            "^([ ]*)<!-- doc-test: ([a-z-]+) -->\\n\\1```sh\\n(.*?)\\n\\1```$", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern ANY_SH_BLOCK = Pattern.compile("^[ ]*```sh$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    record Block(String phase, String script) {}

    @Test
    void theQuorumLossProcedureRestoresTheClusterFromItsSnapshotAsWritten() throws Exception {
        List<Block> blocks = blocks();
        assertThat(blocks).extracting(Block::phase).contains("before-disaster", "after-disaster");
        writeDroverLauncher();
        try (LocalEtcdHerd herd = new LocalEtcdHerd(dir, "dr-doc", "127.0.96.0/24")) {
            Cli.Result apply = herd.drover("apply", "--auto-approve");
            assertThat(apply.exitCode()).as(apply.toString()).isZero();
            for (int i = 0; i < 20; i++) {
                assertThat(herd.etcdctl(herd.endpoints(), "put", "app/key-" + i, "value-" + i)).isZero();
            }
            run(blocks, "before-disaster");
            assertThat(herd.etcdctl(herd.endpoints(), "put", "app/after-the-snapshot", "lost")).isZero();

            // The disaster: two of three members gone for good, quorum lost; etcd-0-1 survives.
            for (String dead : List.of("etcd-1-1", "etcd-2-1")) {
                herd.kill(dead);
                deleteTree(dir.resolve(".drover/local/servers").resolve(dead).resolve("root/var/lib/etcd"));
            }

            run(blocks, "after-disaster");

            assertThat(dir.resolve("db-from-survivor")).isNotEmptyFile();
            try (var writer = herd.writer()) {
                herd.assertWhole(writer, "restored from the snapshot");
            }
            for (int i = 0; i < 20; i++) {
                assertThat(etcdctlGet(herd, "app/key-" + i)).as("a key written before the snapshot").contains("value-" + i);
            }
            assertThat(etcdctlGet(herd, "app/after-the-snapshot")).as("a key written after the snapshot").doesNotContain("lost");
        }
    }

    @Test
    void everyShellBlockOfTheQuorumSectionIsRunByThisTest() throws IOException {
        String doc = Files.readString(DOC);
        String quorumSection = doc.substring(0, doc.indexOf("# Disaster recovery: the state was lost"));
        assertThat(blocks(quorumSection)).hasSize((int) ANY_SH_BLOCK.matcher(quorumSection).results().count());
    }

    private static List<Block> blocks() throws IOException {
        return blocks(Files.readString(DOC));
    }

    private static List<Block> blocks(String doc) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(doc);
        while (m.find()) {
            String indent = m.group(1);
            String script = m.group(3).lines().map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l)
                    .reduce("", (a, b) -> a + b + "\n");
            blocks.add(new Block(m.group(2), script));
        }
        return blocks;
    }

    /** Runs this phase's blocks in order, each in a new bash that stops at the first failing command. */
    private void run(List<Block> blocks, String phase) throws Exception {
        for (Block b : blocks) {
            if (!b.phase().equals(phase)) {
                continue;
            }
            Path log = Files.createTempFile(dir, "block-", ".log");
            Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", b.script()).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = p.waitFor(4, TimeUnit.MINUTES);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            assertThat(ended && p.exitValue() == 0).as("the doc's block failed or hung:\n%s\n--- its output:\n%s", b.script(),
                    Files.readString(log)).isTrue();
        }
    }

    /**
     * {@code bin/drover} in the herd's directory, as the doc writes it: the CLI on this test's class path (the real
     * launcher would build a jar of its own checkout).
     */
    private void writeDroverLauncher() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "#!/bin/sh\nexec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -cp '"
                + System.getProperty("java.class.path") + "' io.drover.cli.Main \"$@\"\n";
        Path launcher = bin.resolve("drover");
        Files.writeString(launcher, script);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String etcdctlGet(LocalEtcdHerd herd, String key) throws Exception {
        List<String> cmd = List.of("etcdctl", "--endpoints=" + String.join(",", herd.endpoints()), "--cacert=" + herd.output("etcd_ca_file"),
                "--cert=" + herd.output("etcd_cert_file"), "--key=" + herd.output("etcd_key_file"), "get", key);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
