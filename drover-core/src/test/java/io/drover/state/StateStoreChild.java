package io.drover.state;

import io.drover.config.SourcePosition;
import io.drover.config.StateSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The other OS process of the state-store contract: opens the same store as the test (described by key=value
 * arguments) and takes the lock, races a write, or writes in a loop until killed. It prints what it did, one
 * line per step, for the test to wait on.
 */
public final class StateStoreChild {
    private StateStoreChild() {}

    /** Arguments describing a store, for {@link #main}. */
    static List<String> describe(String herd, Path workDir, StateSettings s) {
        List<String> args = new java.util.ArrayList<>(List.of("herd=" + herd, "dir=" + workDir, "backend=" + s.backend().id(),
                "ttl=" + s.lockTtl().toMillis()));
        if (!s.endpoints().isEmpty()) {
            args.add("endpoints=" + String.join(",", s.endpoints().stream().map(URI::toString).toList()));
        }
        if (s.prefix() != null) {
            args.add("prefix=" + s.prefix());
        }
        if (s.tls() != null) {
            args.add("tls=" + s.tls().ca() + "," + s.tls().cert() + "," + s.tls().key());
        }
        if (s.encryption() != null && s.encryption().key() instanceof StateSettings.KeyEnv k) {
            args.add("keyEnv=" + k.environmentVariable());
        }
        return args;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : Arrays.copyOfRange(args, 1, args.length)) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        StateSettings settings = StateSettings.defaults(SourcePosition.unknown(Path.of("child")))
                .withBackend(StateSettings.Backend.valueOf(a.get("backend").toUpperCase(java.util.Locale.ROOT)))
                .withLockTtl(Duration.ofMillis(Long.parseLong(a.get("ttl"))));
        if (a.containsKey("endpoints")) {
            settings = settings.withEndpoints(Arrays.stream(a.get("endpoints").split(",")).map(URI::create).toList());
        }
        if (a.containsKey("prefix")) {
            settings = settings.withPrefix(a.get("prefix"));
        }
        if (a.containsKey("tls")) {
            String[] t = a.get("tls").split(",");
            settings = settings.withTls(new StateSettings.Tls(path(t[0]), path(t[1]), path(t[2])));
        }
        if (a.containsKey("keyEnv")) {
            settings = settings.withEncryption(new StateSettings.Encryption(new StateSettings.KeyEnv(a.get("keyEnv")), null));
        }
        String herd = a.get("herd");
        StateCodec codec = StateStores.codec(herd, settings, System.getenv(), false);
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (StateStore store = StateStores.open(herd, Path.of(a.get("dir")), settings, codec)) {
            switch (args[0]) {
                case "lock" -> {
                    try (StateLock lock = store.lock("child-lock")) {
                        say("locked " + store.lockHolder().map(LockInfo::id).orElse("?"));
                        stdin.readLine(); // holds it until told (or killed)
                    }
                    say("released");
                }
                case "read-then-write" -> {
                    State read = store.read().orElseGet(() -> State.empty(herd));
                    say("read " + read.serial());
                    if (!"go".equals(stdin.readLine())) {
                        System.exit(4);
                    }
                    try {
                        store.write(read.withOutputs(Map.of("writer", String.valueOf(ProcessHandle.current().pid()))).nextSerial(),
                                StateVersion.of(read));
                        say("won");
                    } catch (StateConflictException e) {
                        say("conflict: " + e.getMessage());
                        System.exit(3);
                    }
                }
                case "write-loop" -> {
                    int size = Integer.parseInt(a.getOrDefault("size", "1000"));
                    State state = store.read().orElseGet(() -> State.empty(herd));
                    while (true) {
                        State next = withPayload(state, size).nextSerial();
                        say("writing " + next.serial()); // so a test can kill this process inside a write
                        store.write(next, StateVersion.of(state));
                        state = next;
                        say("wrote " + next.serial());
                    }
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
        System.exit(0);
    }

    /** A state whose outputs carry a payload of {@code size} characters and its digest, to tell a torn write. */
    static State withPayload(State state, int size) {
        StringBuilder payload = new StringBuilder(size);
        String seed = state.serial() + 1 + "-";
        while (payload.length() < size) {
            payload.append(seed);
        }
        payload.setLength(size);
        return state.withOutputs(Map.of("payload", payload.toString(), "check", digest(payload.toString())));
    }

    static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path path(String p) {
        return p.equals("null") ? null : Path.of(p);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
