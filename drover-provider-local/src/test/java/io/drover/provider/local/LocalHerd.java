package io.drover.provider.local;

import static org.awaitility.Awaitility.await;

import io.drover.spi.Endpoint;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.spi.UserDataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A herd of real local servers in a temp dir, with its own lease directory and address range; destroys everything
 * it created on {@link #close()}.
 */
final class LocalHerd implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    final Path herdDir;
    final Path leases;
    final String addresses;
    private final List<String> created = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private LocalProvider provider;

    LocalHerd(Path tempDir, String addresses) throws ProviderException {
        this.herdDir = tempDir.resolve("herd");
        this.leases = tempDir.resolve("leases");
        this.addresses = addresses;
        this.provider = open();
    }

    ProviderContext context() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(LocalSettings.LEASES_ENV, leases.toString());
        return new ProviderContext("test-herd", Map.of(LocalSettings.ADDRESSES, addresses), herdDir.resolve(".drover"), env);
    }

    LocalProvider open() throws ProviderException {
        return (LocalProvider) new LocalProviderFactory().open(context());
    }

    LocalProvider provider() {
        return provider;
    }

    /** Closes the provider and opens a new one, as the next CLI command would. */
    LocalProvider reopen() throws ProviderException {
        provider.close();
        provider = open();
        return provider;
    }

    Instance create(String name, Function<Endpoint, IgnitionJson> config) throws ProviderException {
        return createRaw(name, endpoint -> config.apply(endpoint).userData());
    }

    Instance createRaw(String name, UserDataSource userData) throws ProviderException {
        return create(name, "host", userData);
    }

    Instance create(String name, String image, UserDataSource userData) throws ProviderException {
        created.add(name);
        return provider.create(new LaunchRequest(
                "web", name, provider.resolveImage(image), Map.of(), Map.of(Tags.RESOURCE, "web[" + name + "]"), userData));
    }

    Path serverDir(String name) throws ProviderException {
        return provider.serverDirectory(name);
    }

    Instance.Status status(String name) throws ProviderException {
        return provider.list().stream().filter(i -> i.id().equals(name)).findFirst().map(Instance::status).orElse(null);
    }

    int httpStatus(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String httpBody(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    void awaitHttpOk(String url) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> httpStatus(url) == 200);
    }

    String log(String name, String unit) throws IOException, ProviderException {
        Path log = serverDir(name).resolve("logs").resolve(unit + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    static void killGroup(long pgid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-9", "--", "-" + pgid).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws ProviderException {
        ProviderException failure = null;
        for (String name : created) {
            try {
                provider.destroy(name);
            } catch (ProviderException e) {
                failure = e;
            }
        }
        provider.close();
        if (failure != null) {
            throw failure;
        }
    }
}
