package io.drover.bake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest covers every input and nothing else. The Debian mirror is a real HTTP server on 127.0.0.1 serving
 * InRelease files, so "Debian published an update" is one changed file.
 */
class RecipesTest {
    @TempDir
    Path dir;

    /** The herd files here use the default provider; the loader only needs its (empty) settings. */
    private static final io.drover.spi.ProviderFactory LOCAL = new io.drover.spi.ProviderFactory() {
        @Override
        public String type() {
            return "local";
        }

        @Override
        public String description() {
            return "settings only";
        }

        @Override
        public List<io.drover.spi.Setting> settings() {
            return List.of();
        }

        @Override
        public io.drover.spi.Provider open(io.drover.spi.ProviderContext context) {
            throw new UnsupportedOperationException("not opened by these tests");
        }
    };

    private HttpServer mirror;
    private final AtomicReference<String> inRelease = new AtomicReference<>("Suite: bookworm\nDate: 1\n");
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startMirror() throws Exception {
        mirror = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        mirror.createContext("/debian/dists/", exchange -> {
            requests.incrementAndGet();
            byte[] body = (exchange.getRequestURI().getPath() + "\n" + inRelease.get()).getBytes(StandardCharsets.UTF_8);
            boolean known = exchange.getRequestURI().getPath().endsWith("/InRelease");
            exchange.sendResponseHeaders(known ? 200 : 404, known ? body.length : -1);
            if (known) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        mirror.start();
    }

    @AfterEach
    void stopMirror() {
        mirror.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + mirror.getAddress().getPort() + "/debian";
    }

    private Herd herd(String image) throws Exception {
        String yaml = "herd: t\nvariables: {greeting: hi}\nimages:\n" + image + "clusters:\n  app: {size: 1, image: '${images.app}'}\n";
        return new HerdLoader(List.of(LOCAL)).parse(yaml, dir.resolve("drover.yaml"));
    }

    private String debian(String extra) {
        return "  app:\n    base: debian:bookworm\n    mirror: " + url() + "\n    securityMirror: " + url() + "\n" + extra;
    }

    private String digest(String image) throws Exception {
        return new Recipes(herd(image), new ReleaseFiles()).of("app").digest();
    }

    @Test
    void sameInputsGiveTheSameDigest() throws Exception {
        String image = debian("    packages: [etcd-server, curl]\n    run: [echo one]\n");
        assertThat(digest(image)).isEqualTo(digest(image)).startsWith("sha256:").hasSize(71);
    }

    @Test
    void packageOrderDoesNotMatter() throws Exception {
        assertThat(digest(debian("    packages: [etcd-server, curl]\n"))).isEqualTo(digest(debian("    packages: [curl, etcd-server]\n")));
    }

    @Test
    void everyInputChangesTheDigest() throws Exception {
        String base = digest(debian("    packages: [curl]\n    run: [echo one]\n"));
        assertThat(List.of(
                digest(debian("    packages: [curl, jq]\n    run: [echo one]\n")),
                digest(debian("    packages: [curl]\n    run: [echo two]\n")),
                digest(debian("    packages: [curl]\n    run: [echo one]\n    files: [{path: /etc/motd, contents: {inline: x}}]\n")),
                digest(debian("    packages: [curl]\n    run: [echo one]\n    outputs: [rootfs, qcow2]\n")),
                digest(debian("    packages: [curl]\n    run: [echo one]\n").replace("debian:bookworm", "debian:trixie"))))
                .doesNotContain(base).doesNotHaveDuplicates();
    }

    @Test
    void aNewReleaseFileOnTheMirrorChangesTheDigest() throws Exception {
        String before = digest(debian(""));
        inRelease.set("Suite: bookworm\nDate: 2\n");
        assertThat(digest(debian(""))).isNotEqualTo(before);
        assertThat(requests.get()).isEqualTo(6); // InRelease of bookworm, -updates and -security, twice
    }

    @Test
    void variablesInFilesAreResolvedIntoTheDigest() throws Exception {
        String file = "    files: [{path: /etc/motd, contents: {inline: '${var.greeting}'}}]\n";
        Recipe recipe = new Recipes(herd(debian(file)), new ReleaseFiles()).of("app");
        assertThat(recipe.files().get(0).contents()).isEqualTo("hi");
    }

    @Test
    void derivedImageDigestFollowsItsBase() throws Exception {
        String derived = "  top:\n    base: ${images.app}\n    run: [echo top]\n";
        String one = new Recipes(herd(debian("    run: [echo a]\n") + derived), new ReleaseFiles()).of("top").digest();
        String two = new Recipes(herd(debian("    run: [echo b]\n") + derived), new ReleaseFiles()).of("top").digest();
        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void directoryBaseIsDigestedByContent() throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/etc"));
        Files.writeString(rootfs.resolve("hostname"), "a\n");
        String image = "  app:\n    base: rootfs\n";
        String before = digest(image);
        Files.writeString(rootfs.resolve("hostname"), "b\n");
        assertThat(digest(image)).isNotEqualTo(before);
    }

    @Test
    void anUnreachableMirrorIsOneClearMessage() throws Exception {
        mirror.stop(0);
        BakeException e = catchThrowableOfType(BakeException.class, () -> digest(debian("")));
        assertThat(e.kind()).isEqualTo(BakeException.Kind.MIRROR_UNREACHABLE);
        assertThat(e.getMessage()).contains("cannot read the Release files").contains("/dists/bookworm/InRelease");
    }

    @Test
    void storeRegistersOnlyCommittedImagesAndRefusesASecondBake() throws Exception {
        ImageStore store = new ImageStore(dir.resolve("store"));
        try (ImageStore.Lock lock = store.lock()) {
            BakeException busy = catchThrowableOfType(BakeException.class, store::lock);
            assertThat(busy.kind()).isEqualTo(BakeException.Kind.STORE_BUSY);
            Path build = store.newBuildDirectory("sha256:" + "ab".repeat(32));
            Files.createDirectories(build.resolve("rootfs"));
            assertThat(store.list()).isEmpty(); // half-built: not an image
            var manifest = new io.drover.image.BakedImage(build, "sha256:" + "ab".repeat(32), "app", java.time.Instant.now(),
                    java.util.Set.of("rootfs"), 1, "");
            manifest.write();
            var image = store.commit(build, manifest);
            assertThat(store.list()).containsExactly(image);
            assertThat(store.find("sha256:" + "ab".repeat(32))).contains(image);
            store.remove(image);
            assertThat(store.list()).isEmpty();
        }
        // A leftover build directory of a killed bake is removed by the next one.
        Files.createDirectories(store.directory().resolve(".tmp-dead/rootfs"));
        try (ImageStore.Lock lock = store.lock()) {
            assertThat(store.directory().resolve(".tmp-dead")).doesNotExist();
        }
    }
}
