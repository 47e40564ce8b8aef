package io.drover.bake;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The signed index of each apt source ({@code dists/SUITE/InRelease}) as the mirror serves it now, hashed. It names
 * every package version the suite holds, so its hash changing is how a bake learns that {@code apt} would now
 * install something else (a security update) without downloading any package. Fetched over the same mirror apt
 * uses, all sources at once; a few kilobytes to a few hundred each. Answers are kept for the life of this object.
 */
public final class ReleaseFiles {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    private final Map<AptSource, String> cache = new ConcurrentHashMap<>();

    /** The sha256 of each source's InRelease (or Release, for mirrors without InRelease), in the order given. */
    public Map<AptSource, String> hashes(List<AptSource> sources) throws BakeException {
        Map<AptSource, CompletableFuture<String>> pending = new LinkedHashMap<>();
        for (AptSource source : sources) {
            if (!cache.containsKey(source)) {
                pending.put(source, fetch(source, "InRelease").thenCompose(h -> h != null
                        ? CompletableFuture.completedFuture(h) : fetch(source, "Release")));
            }
        }
        List<String> failures = new ArrayList<>();
        for (var entry : pending.entrySet()) {
            try {
                String hash = entry.getValue().get();
                if (hash == null) {
                    failures.add(entry.getKey().url() + "dists/" + entry.getKey().suite() + "/InRelease: not found");
                } else {
                    cache.put(entry.getKey(), hash);
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                failures.add(entry.getKey().url() + "dists/" + entry.getKey().suite() + "/InRelease: "
                        + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BakeException(BakeException.Kind.MIRROR_UNREACHABLE, "interrupted while asking the Debian mirror");
            }
        }
        if (!failures.isEmpty()) {
            throw new BakeException(BakeException.Kind.MIRROR_UNREACHABLE, "cannot read the Release files of the image's apt sources ("
                    + String.join("; ", failures) + "): Drover hashes them to tell whether an image is up to date."
                    + " Check the network and the image's mirror setting (docs/bake.md)");
        }
        Map<AptSource, String> result = new LinkedHashMap<>();
        for (AptSource source : sources) {
            result.put(source, cache.get(source));
        }
        return result;
    }

    /** The hash of one file, or null when the mirror answers 404. */
    private CompletableFuture<String> fetch(AptSource source, String file) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(source.url() + "dists/" + source.suite() + "/" + file))
                .timeout(TIMEOUT)
                .header("User-Agent", "drover-bake")
                .GET()
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() == 404) {
                return null;
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode());
            }
            return sha256(response.body());
        });
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
