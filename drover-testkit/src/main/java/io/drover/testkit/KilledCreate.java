package io.drover.testkit;

import io.drover.spi.Endpoint;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Setting;
import io.drover.testkit.ProviderContract.KillPoint;
import io.drover.testkit.ProviderContract.UserDataTemplate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A create run in a JVM of its own and killed with SIGKILL at a chosen point, as {@code kill -9} of drover would kill
 * it: the real thing, not a simulation of what a provider leaves behind. The parent writes what to create to a file
 * (the provider is opened in the child by its type, through the {@link ServiceLoader}), waits for the child to say it
 * reached the point, and kills it.
 */
final class KilledCreate {
    private static final String REACHED = "drover-contract-child: reached ";
    private static final String END = "\u0000end";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KilledCreate() {}

    static void run(String type, ProviderContext context, LaunchRequest request, UserDataTemplate userData, KillPoint when,
            Duration timeout) throws Exception {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("type", type);
        spec.put("herd", context.herd());
        spec.put("provider", context.name());
        spec.put("workDir", context.workDir().toAbsolutePath().toString());
        spec.set("settings", toJson(context.settings()));
        spec.set("environment", toJson(new LinkedHashMap<>(context.environment())));
        spec.put("cluster", request.cluster());
        spec.put("name", request.name());
        spec.put("image", request.image().reference());
        spec.set("options", toJson(request.options()));
        spec.set("tags", toJson(new LinkedHashMap<>(request.tags())));
        spec.put("format", userData.format());
        spec.put("template", userData.text());
        spec.put("when", when.name());
        // Owner-only (the default of temp files): the environment may hold cloud credentials.
        Path file = Files.createTempFile("drover-killed-create", ".json");
        try {
            Files.write(file, JSON.writeValueAsBytes(spec));
            runChild(file, when, timeout);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void runChild(Path spec, KillPoint when, Duration timeout) throws Exception {
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBinary, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), KilledCreate.class.getName(), spec.toString())
                .redirectErrorStream(true)
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> transcript = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofPlatform().daemon().name("killed-create-output").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    transcript.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                transcript.add("(output unreadable: " + e.getMessage() + ")");
            }
            lines.add(END);
        });
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("the create in a child JVM did not reach " + when + " within " + timeout.toSeconds()
                            + " s; its output:\n" + String.join("\n", transcript));
                }
                if (line.equals(END)) {
                    throw new AssertionError("the create in a child JVM ended (exit status " + child.waitFor() + ") before it reached "
                            + when + "; its output:\n" + String.join("\n", transcript));
                }
                if (line.equals(REACHED + when.name())) {
                    return;
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block of the child runs
            child.waitFor();
            reader.join(Duration.ofSeconds(5));
        }
    }

    /** The child: opens the provider, creates, and stops dead at the kill point until it is killed. */
    public static void main(String[] args) throws Exception {
        // The parent keeps our stdin open; if it dies without killing us, stdin ends and so do we.
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent
                }
            } catch (IOException e) {
                // parent gone
            }
            Runtime.getRuntime().halt(3);
        });
        JsonNode spec = JSON.readTree(Files.readAllBytes(Path.of(args[0])));
        KillPoint when = KillPoint.valueOf(spec.path("when").asString());
        String type = spec.path("type").asString();
        ProviderFactory factory = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.type().equals(type)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no provider of type " + type + " on the class path"));
        Map<String, Object> settings = fromJson(spec.path("settings"), factory.settings());
        Map<String, Object> options = fromJson(spec.path("options"), factory.clusterSettings());
        Map<String, String> environment = strings(spec.path("environment"));
        Map<String, String> tags = strings(spec.path("tags"));
        UserDataTemplate template = new UserDataTemplate(spec.path("format").asString(), spec.path("template").asString());
        ProviderContext context = new ProviderContext(spec.path("herd").asString(), settings, Path.of(spec.path("workDir").asString()),
                environment, spec.path("provider").asString());
        Provider provider = factory.open(context);
        String name = spec.path("name").asString();
        LaunchRequest request = new LaunchRequest(spec.path("cluster").asString(), name, provider.resolveImage(spec.path("image").asString()),
                options, tags, (Endpoint endpoint) -> {
                    if (when == KillPoint.WHILE_RENDERING) {
                        reached(when);
                    }
                    return template.render(endpoint);
                });
        Instance created = provider.create(request);
        System.out.println("created " + created.id() + " at " + created.ip());
        reached(when);
    }

    private static void reached(KillPoint when) {
        System.out.println(REACHED + when.name());
        System.out.flush();
        try {
            new CountDownLatch(1).await(); // until killed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(4);
    }

    private static ObjectNode toJson(Map<String, ?> values) {
        ObjectNode node = JSON.createObjectNode();
        values.forEach((key, value) -> {
            switch (value) {
                case null -> node.putNull(key);
                case String s -> node.put(key, s);
                case Boolean b -> node.put(key, b);
                case Integer i -> node.put(key, i.longValue());
                case Long l -> node.put(key, l);
                case Duration d -> node.put(key, d.toString());
                case List<?> list -> {
                    var array = node.putArray(key);
                    list.forEach(item -> array.add(String.valueOf(item)));
                }
                case Map<?, ?> map -> {
                    ObjectNode inner = node.putObject(key);
                    map.forEach((k, v) -> inner.put(String.valueOf(k), String.valueOf(v)));
                }
                default -> node.put(key, value.toString());
            }
        });
        return node;
    }

    /** Back to the Java types of {@link io.drover.spi.ProviderContext#settings()}, by the provider's declared kinds. */
    private static Map<String, Object> fromJson(JsonNode node, List<Setting> declared) {
        Map<String, Setting.Kind> kinds = new LinkedHashMap<>();
        declared.forEach(s -> kinds.put(s.name(), s.kind()));
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            Setting.Kind kind = kinds.get(e.getKey());
            Object value;
            if (kind == Setting.Kind.DURATION) {
                value = Duration.parse(v.asString());
            } else if (v.isIntegralNumber() || kind == Setting.Kind.INTEGER) {
                value = v.asLong();
            } else if (v.isBoolean()) {
                value = v.asBoolean();
            } else if (v.isArray()) {
                List<String> list = new ArrayList<>();
                v.forEach(item -> list.add(item.asString()));
                value = List.copyOf(list);
            } else if (v.isObject()) {
                value = strings(v);
            } else {
                value = v.asString();
            }
            values.put(e.getKey(), value);
        }
        return values;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            values.put(e.getKey(), e.getValue().asString());
        }
        return values;
    }
}
