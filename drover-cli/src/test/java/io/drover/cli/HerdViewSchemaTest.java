package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.view.HerdView;
import io.drover.view.ServerView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code show --json}, {@code status --json} and the web API's {@code /api/herd} are one schema: each reads back
 * into the same {@link HerdView} records with no field left over, on a real 1-member etcd herd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HerdViewSchemaTest {
    private static final String ADDRESSES = "127.0.141.0/24";
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/");
    /** Strict: a field the records do not have fails the read. */
    private static final JsonMapper STRICT = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    @TempDir
    static Path dir;

    private LocalEtcdHerd herd;
    private Process serve;
    private int apiPort;

    @BeforeAll
    void applyAOneMemberHerd() throws Exception {
        herd = new LocalEtcdHerd(dir, "views", ADDRESSES);
        Files.writeString(herd.file, Files.readString(herd.file).replaceAll("size: \\d+", "size: 1"));
        Cli.Result apply = herd.drover("apply", "--auto-approve");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
    }

    @AfterAll
    void stop() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.destroy();
            if (!serve.waitFor(30, TimeUnit.SECONDS)) {
                serve.destroyForcibly().waitFor();
            }
        }
        if (herd != null) {
            herd.close(); // destroys the herd
        }
    }

    @Test
    void showStatusAndTheWebApiAreOneVersionedSchema() throws Exception {
        HerdView show = read(herd.drover("show", "--json"));
        HerdView status = read(herd.drover("status", "--json"));
        HerdView web = STRICT.readValue(apiHerd(), HerdView.class);

        for (HerdView view : List.of(show, status, web)) {
            assertThat(view.apiVersion()).isEqualTo(HerdView.API_VERSION);
            assertThat(view.herd()).isEqualTo("views");
            assertThat(view.clusters()).extracting(c -> c.name()).containsExactly("etcd");
            assertThat(view.clusters().getFirst().servers()).extracting(ServerView::name)
                    .isEqualTo(show.clusters().getFirst().servers().stream().map(ServerView::name).toList()).hasSize(1);
            assertThat(view.servers()).extracting(ServerView::address).allMatch(a -> a.startsWith("127.0.141."));
            // A cluster without loadBalancer: has none in every view (LoadBalancedWebEndToEndTest reads one back strictly).
            assertThat(view.clusters().getFirst().loadBalancer()).isNull();
        }
        // show reads the state alone; status and the web view check health now.
        assertThat(show.servers()).allMatch(s -> s.health() == null && s.providerStatus() == null);
        assertThat(status.servers()).allMatch(s -> s.health().isUp() && s.outdated() == Boolean.FALSE, "up and up to date");
        await("the web view's look checks the member").atMost(Duration.ofSeconds(30))
                .until(() -> STRICT.readValue(apiHerd(), HerdView.class).servers().stream().allMatch(s -> s.health().isUp()
                        && s.etcd() != null && "leader".equals(s.etcd().role())));
    }

    private static HerdView read(Cli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return STRICT.readValue(r.out(), HerdView.class);
    }

    private String apiHerd() throws Exception {
        if (serve == null) {
            Path work = Files.createDirectories(dir.resolve("serve"));
            DroverProcess drover = new DroverProcess(work, null);
            serve = drover.start("serve", "-f", herd.file.toString(), "--port", "0", "--no-color");
            int[] port = new int[1];
            await("serve prints its address").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(serve.isAlive()).as(drover.output()).isTrue();
                Matcher m = URL.matcher(drover.output());
                assertThat(m.find()).as(drover.output()).isTrue();
                port[0] = Integer.parseInt(m.group(1));
            });
            apiPort = port[0];
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/herd")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return r.body();
        }
    }
}
