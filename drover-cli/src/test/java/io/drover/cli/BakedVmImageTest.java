package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.provider.openstack.client.GlanceImage;
import io.drover.provider.openstack.client.Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * A baked qcow2 really boots and runs its first boot (under QEMU with TCG, seeded with Drover's own cloud-init
 * rendering), and goes to Glance once (when {@code OS_CLOUD} names a cloud). One bake serves both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BakedVmImageTest {
    private static final String MARKER = "DROVER-FIRST-BOOT-RAN";
    /**
     * TCG on 2 shared cores: cloud-init's first stage about a minute in on a lightly loaded machine; at load 20-25
     * its 'init' stage came at 258 s and the final stage (runcmd, which starts the marker unit) later than 8 min.
     */
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(12);

    @TempDir
    static Path dir;

    private Path localFile;
    private JsonNode image;

    @BeforeAll
    void bakeTheVmImage() throws IOException {
        assumeTrue(BakedEtcdEndToEndTest.isRoot(), "baking needs root");
        localFile = dir.resolve("drover.yaml");
        Files.writeString(localFile, herd("vm-local", "provider: {type: local}\n", ""));
        Cli.Result r = Cli.run("bake", "-f", localFile.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Cli.Result list = Cli.run("images", "--json", "-f", localFile.toString());
        image = Json.MAPPER.readTree(list.out()).get("images").get(0);
        assertThat(image.get("outputs").toString()).contains("qcow2");
    }

    /** A herd with image {@code vm} (Debian with a kernel and cloud-init) and one cloud-init server that marks its first boot. */
    static String herd(String name, String provider, String clusterProvider) {
        return "herd: " + name + "\n" + provider + """
                images:
                  vm:
                    base: debian:bookworm
                    outputs: [rootfs, qcow2]
                clusters:
                  web:
                    size: 1
                    image: ${images.vm}
                    userData: cloud-init
                    health: {type: process}
                """ + clusterProvider + """
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/drover-marker
                            contents: {inline: "%s ${server.name}"}
                      systemd:
                        units:
                          - name: marker.service
                            enabled: true
                            contents: |
                              [Unit]
                              Description=tell the serial console that first boot ran
                              [Service]
                              Type=oneshot
                              ExecStart=/bin/sh -c 'cat /etc/drover-marker > /dev/ttyS0'
                              [Install]
                              WantedBy=multi-user.target
                """.formatted(MARKER);
    }

    @AfterAll
    void stop() {
        // QEMU is stopped by the boot test itself; nothing else runs.
    }

    @Test
    @Order(1)
    void qcow2BootsUnderQemuAndRunsFirstBootFromDroversCloudInit() throws Exception {
        Path image = Path.of(this.image.get("path").asString());
        Path seed = Files.createDirectories(dir.resolve("seed"));
        Cli.Result rendered = Cli.run("render", "--format", "cloud-init", "-f", localFile.toString());
        assertThat(rendered.exitCode()).as(rendered.toString()).isZero();
        Files.writeString(seed.resolve("user-data"), rendered.out());
        Files.writeString(seed.resolve("meta-data"), "instance-id: drover-test\nlocal-hostname: web-0-1\n");
        Path serial = dir.resolve("serial.log");
        String cmdline = io.drover.image.BakedImage.read(image).orElseThrow().kernelCommandLine();
        assertThat(cmdline).startsWith("root=LABEL=drover-root ");
        // The seed is a FAT disk labelled cidata that QEMU makes from a directory (vvfat): no mkfs, no mount.
        Process qemu = new ProcessBuilder("qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-m", "1024", "-smp", "1",
                "-nographic", "-no-reboot", "-kernel", image.resolve("kernel").toString(), "-initrd", image.resolve("initrd").toString(),
                "-append", cmdline + " panic=-1",
                "-drive", "file=" + image.resolve("disk.qcow2") + ",if=virtio,format=qcow2,snapshot=on",
                "-drive", "if=virtio,format=raw,readonly=on,file.driver=vvfat,file.dir=" + seed + ",file.label=cidata",
                "-netdev", "user,id=n0,restrict=on", "-device", "virtio-net-pci,netdev=n0,romfile=", "-serial", "mon:stdio")
                .redirectErrorStream(true).redirectOutput(serial.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        Instant started = Instant.now();
        try {
            await().atMost(BOOT_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                    .failFast("QEMU exited", () -> assertThat(qemu.isAlive()).as(() -> "QEMU running; serial console:\n" + tail(serial)).isTrue())
                    .until(() -> Files.readString(serial, java.nio.charset.StandardCharsets.ISO_8859_1).contains(MARKER + " web-0-1"));
            System.out.println("boot to first-boot marker: " + Duration.between(started, Instant.now()).toSeconds() + " s");
        } finally {
            qemu.destroy();
            if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
            }
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(no serial log)";
        }
    }

    @Test
    @Order(2)
    void glanceGetsTheImageOnceAndServersBootFromIt() throws Exception {
        assumeTrue(System.getenv("OS_CLOUD") != null && !System.getenv("OS_CLOUD").isBlank(), "OS_CLOUD names no cloud");
        try (OpenStackHerd herd = OpenStackHerd.in(Files.createDirectories(dir.resolve("openstack")), "bake")) {
            Files.createDirectories(herd.file.getParent().resolve(".drover"));
            // The same store as the local herd: the image is baked already, only the upload is new.
            Files.createSymbolicLink(herd.file.getParent().resolve(".drover/images"), dir.resolve(".drover/images"));
            herd.write(herd("\"" + herd.name + "\"", "provider: {type: openstack, network: private}\n",
                    "    provider: {flavor: m1.tiny}\n"));
            try {
                Cli.Result first = Cli.run("bake", "-f", herd.file.toString());
                assertThat(first.exitCode()).as(first.toString()).isZero();
                assertThat(first.out()).contains("up to date").contains("in openstack as ");
                String digest = image.get("digest").asString();
                List<GlanceImage> uploaded = herd.client().glance().listImages(null, "drover-digest=" + digest.substring(7, 47));
                assertThat(uploaded).hasSize(3).allMatch(i -> "active".equals(i.status()));

                Cli.Result second = Cli.run("bake", "-f", herd.file.toString());
                assertThat(second.exitCode()).as(second.toString()).isZero();
                List<GlanceImage> after = herd.client().glance().listImages(null, "drover-digest=" + digest.substring(7, 47));
                assertThat(after).extracting(GlanceImage::id).containsExactlyInAnyOrderElementsOf(uploaded.stream().map(GlanceImage::id).toList());

                String digestOfImage = image.get("digest").asString();
                Cli.Result apply = Cli.run("apply", "--auto-approve", "-f", herd.file.toString());
                assertThat(apply.exitCode()).as(apply.toString()).isZero();
                List<Server> servers = herd.servers();
                assertThat(servers).hasSize(1).allMatch(s -> "ACTIVE".equals(s.status()));
                String state = Files.readString(herd.file.getParent().resolve(".drover/state.json"));
                assertThat(state).contains(digestOfImage); // the server's recorded image digest is the bake's
            } finally {
                Cli.run("destroy", "--auto-approve", "-f", herd.file.toString());
                String digest = image.get("digest").asString();
                for (GlanceImage i : herd.client().glance().listImages(null, "drover-digest=" + digest.substring(7, 47))) {
                    herd.client().glance().deleteImage(i.id());
                }
            }
        }
    }
}
