package io.drover.plan;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Template;
import io.drover.spi.Image;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Computes a cluster's identity digest: what its servers are, so that any change to it means "replace".
 *
 * <p>The digest covers the image digest, the role settings and the first-boot config <em>as a template</em>:
 * herd variables are substituted (they are fixed inputs), but per-server values ({@code server.ip}) and values
 * that change as the herd lives ({@code cluster.peers}, {@code clusters.X.ips}) stay unresolved. Otherwise
 * replacing one etcd member would change every other member's digest and replace the whole cluster in a loop.
 */
public final class Identity {
    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Identity() {}

    /**
     * @param extra further inputs a feature adds to the identity (e.g. the CA fingerprint), sorted by key
     */
    public static String digest(Herd herd, Cluster cluster, Image image, Map<String, String> extra) {
        return sha256(CANONICAL.writeValueAsBytes(inputs(herd, cluster, image, extra)));
    }

    /**
     * What {@link #digest} covers, flattened for people: {@code etcd.flags.election-timeout -> 1000}. Computed from the
     * same inputs as the digest, so two digests that differ always differ here too (plan shows what changed).
     */
    public static Map<String, String> facts(Herd herd, Cluster cluster, Image image, Map<String, String> extra) {
        return IdentityFacts.flatten(CANONICAL.valueToTree(inputs(herd, cluster, image, extra)));
    }

    private static Map<String, Object> inputs(Herd herd, Cluster cluster, Image image, Map<String, String> extra) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("format", 1);
        input.put("image", image.digest());
        input.put("role", cluster.role().name());
        if (cluster.userData() != Cluster.UserDataFormat.IGNITION) {
            input.put("userData", cluster.userData().name()); // a different boot mechanism is a different server
        }
        if (cluster.role() == io.drover.config.Role.ETCD) {
            input.put("etcd", new TreeMap<>(Map.of(
                    "clientPort", cluster.etcd().clientPort(),
                    "peerPort", cluster.etcd().peerPort(),
                    "tls", cluster.etcd().tls(),
                    "container", String.valueOf(cluster.etcd().container()),
                    "flags", new TreeMap<>(cluster.etcd().flags()))));
        }
        input.put("firstBoot", cluster.firstBoot().mapStrings(s -> staticPart(herd, s)));
        input.put("extra", new TreeMap<>(extra));
        return input;
    }

    private static String staticPart(Herd herd, String text) {
        return Template.resolve(text, ref -> {
            if (ref.startsWith("var.")) {
                String v = herd.variables().get(ref.substring(4));
                return v == null ? "${" + ref + "}" : v.replace("${", "$${");
            }
            if (ref.equals("herd.name")) {
                return herd.name();
            }
            return "${" + ref + "}";
        });
    }

    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
