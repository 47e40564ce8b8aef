package io.drover.config;

import io.drover.config.References.ClusterRef;
import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlMap;
import io.drover.config.YamlNode.YamlScalar;
import io.drover.render.FirstBoot;
import io.drover.spi.ProviderFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the clusters of a herd file: size and role rules, etcd options, health check, provider options and
 * first-boot config, and the dependencies between clusters (declared, or implied by references).
 *
 * <p>Over 400 lines because each key of a cluster block is read and checked here, with its position for the error;
 * the sub-blocks that grew this round (load balancer, etcd backup) are the ones to move into readers of their own
 * next, as {@code FirstBootReader} and {@code ImageReader} already are.
 */
final class ClusterReader {
    static final Pattern CLUSTER_NAME = Pattern.compile("[a-z][a-z0-9-]{0,29}");
    static final Pattern ETCD_FLAG_NAME = Pattern.compile("[a-z][a-z0-9-]*");
    /**
     * Flags Drover derives from the cluster itself; a user value would break membership management
     * ({@code config-file} would make etcd ignore every flag).
     */
    static final Set<String> RESERVED_ETCD_FLAGS = Set.of(
            "name", "data-dir", "listen-client-urls", "advertise-client-urls", "listen-peer-urls",
            "initial-advertise-peer-urls", "initial-cluster", "initial-cluster-state", "initial-cluster-token", "config-file");
    /** Flags Drover sets for mutual TLS with the herd's own CA when {@code tls} is on. */
    static final Set<String> TLS_ETCD_FLAGS = Set.of(
            "cert-file", "key-file", "trusted-ca-file", "client-cert-auth", "auto-tls",
            "peer-cert-file", "peer-key-file", "peer-trusted-ca-file", "peer-client-cert-auth", "peer-auto-tls");

    private final Path directory;
    private final HerdSource.LocalFiles localFiles;
    private final List<String> lines;
    private final References references;
    /** The herd's providers by name; a factory is null when its type is unknown (reported elsewhere). */
    private final Map<String, ProviderFactory> factories;
    /** The provider a cluster runs on when it does not say: the herd's only one, or null when it has several. */
    private final String defaultProvider;
    private final Problems problems;
    /** The names under {@code images:}. */
    private final Set<String> images;
    /** Cluster name to the clusters it depends on, with where each dependency was written. */
    private final Map<String, List<ClusterRef>> dependencies = new LinkedHashMap<>();
    /** Load balancer ports taken so far, as "provider:port", with where each was declared. */
    private final Map<String, SourcePosition> loadBalancerPorts = new LinkedHashMap<>();

    /**
     * @param directory the herd file's directory ({@code contents.local} paths are relative to it)
     * @param factories the herd's providers by name (a null factory: unknown type, its cluster options are not checked)
     * @param defaultProvider the provider of clusters that do not name one: the only one, or null when there are several
     */
    ClusterReader(Path directory, HerdSource.LocalFiles localFiles, List<String> lines, References references,
            Map<String, ProviderFactory> factories, String defaultProvider, Problems problems, Set<String> images) {
        this.images = images;
        this.directory = directory;
        this.localFiles = localFiles;
        this.lines = lines;
        this.references = references;
        this.factories = factories;
        this.defaultProvider = defaultProvider;
        this.problems = problems;
    }

    /** The dependencies of every cluster read so far, in declared order. */
    Map<String, List<ClusterRef>> dependencies() {
        return java.util.Collections.unmodifiableMap(dependencies);
    }

    /** Reads one entry of {@code clusters:}; {@code null} when it has problems. */
    Cluster read(Entry entry) {
        String name = entry.key();
        if (!CLUSTER_NAME.matcher(name).matches()) {
            problems.add(entry.keyPosition(), "bad cluster name '" + Problems.shown(name) + "'",
                    "use 1 to 30 lowercase letters, digits and '-', starting with a letter, e.g. web");
        }
        MapReader c = MapReader.of(entry, "cluster '" + name + "'", Shape.Herd.CLUSTER, problems);
        if (c == null) {
            return null;
        }
        Role role = role(c);
        Long size = c.integer("size", 1, 1000, true);
        if (size != null && role == Role.ETCD) {
            SourcePosition at = c.entry("size").value().position();
            if (size > 9) {
                problems.add(at, "an etcd cluster can have at most 9 members, got " + size, "use 3 or 5 (7 at most for large clusters)");
            } else if (size % 2 == 0) {
                problems.add(at, "an etcd cluster needs an odd size, got " + size,
                        "use 3 or 5: an even member count adds no fault tolerance");
            }
        }
        String image = image(c);
        Long maxUnavailable = c.integer("maxUnavailable", 1, Long.MAX_VALUE, false);
        if (maxUnavailable != null && size != null && maxUnavailable > size) {
            problems.add(c.entry("maxUnavailable").value().position(),
                    "maxUnavailable (" + maxUnavailable + ") is larger than size (" + size + ")", "set maxUnavailable to at most " + size);
        }
        Long spares = c.integer("spares", 0, 100, false);
        if (spares != null && spares > 1 && role == Role.ETCD) {
            problems.add(c.entry("spares").value().position(), "an etcd cluster can have at most 1 spare, got " + spares,
                    "use 'spares: 1' (the spare is an etcd learner, and etcd 3.4 allows one learner per cluster) or 0");
        }
        List<ClusterRef> deps = new ArrayList<>(dependsOn(c));
        Boolean antiAffinity = c.bool("antiAffinity");
        Cluster.UserDataFormat userData = Cluster.UserDataFormat.IGNITION;
        String format = c.string("userData");
        if (format != null) {
            switch (format) {
                case "ignition" -> userData = Cluster.UserDataFormat.IGNITION;
                case "cloud-init" -> userData = Cluster.UserDataFormat.CLOUD_INIT;
                default -> problems.add(c.entry("userData").value().position(), "unknown userData format '" + Problems.shown(format) + "'",
                        "use ignition (Flatcar, CoreOS, the local provider) or cloud-init (Debian, Ubuntu cloud images)");
            }
        }
        EtcdOptions etcd = etcd(c, role);
        HealthCheck health = health(c, role);
        LoadBalancerSpec loadBalancer = loadBalancer(c, health, provider(c, entry));
        // Absent, the block is still checked: the provider may require cluster options (flavor, network).
        Entry providerEntry = c.entry("provider");
        String provider = defaultProvider;
        YamlMap options = null;
        SourcePosition providerAt = providerEntry == null ? entry.keyPosition() : providerEntry.keyPosition();
        boolean providerKnown = true;
        if (providerEntry != null && providerEntry.value() instanceof YamlNode.YamlScalar scalar && !scalar.isNull()) {
            provider = scalar.text(); // 'provider: NAME'
            providerAt = scalar.position();
        } else if (providerEntry != null) {
            options = MapReader.asMap(providerEntry.value(), "provider", problems);
            YamlNode.Entry nameEntry = options == null ? null : options.entries().get("name");
            if (nameEntry != null) {
                provider = MapReader.asString(nameEntry.value(), "name", problems);
                providerAt = nameEntry.value().position();
                providerKnown = provider != null;
            }
        }
        if (providerKnown && provider == null) {
            problems.add(providerAt, "cluster '" + name + "' does not say which provider it runs on",
                    "add 'provider: NAME' to the cluster (one of: " + String.join(", ", factories.keySet()) + ")");
            providerKnown = false;
        } else if (providerKnown && !factories.containsKey(provider)) {
            problems.add(providerAt, "cluster '" + name + "' names unknown provider '" + Problems.shown(provider) + "'",
                    Problems.suggest(provider, factories.keySet()) + " (providers: " + String.join(", ", factories.keySet()) + ")");
            providerKnown = false;
        }
        // A provider whose own block has problems (already reported) has no factory: its options are not checked.
        ProviderFactory factory = providerKnown ? factories.get(provider) : null;
        Map<String, Object> providerOptions = Map.of();
        if (factory != null && (providerEntry == null || options != null || providerEntry.value() instanceof YamlNode.YamlScalar)) {
            providerOptions = new SettingsReader(problems).readAndCheck(options,
                    providerEntry == null ? entry.keyPosition() : providerEntry.keyPosition(),
                    "the provider options of cluster '" + name + "'", factory.clusterSettings(), Set.of("name"), factory::validateCluster);
        }
        FirstBoot firstBoot = FirstBoot.EMPTY;
        Entry firstBootEntry = c.entry("firstBoot");
        if (firstBootEntry != null) {
            MapReader fb = MapReader.of(firstBootEntry, "firstBoot", Shape.Herd.FIRST_BOOT, problems);
            if (fb != null) {
                FirstBootReader reader = new FirstBootReader(directory, localFiles, lines, references, problems);
                firstBoot = reader.read(fb);
                deps.addAll(reader.clusterRefs());
            }
        }
        dependencies.put(name, deps);
        if (size == null || image == null || etcd == null || health == null || !providerKnown) {
            return null;
        }
        List<String> dependsOn = deps.stream().map(ClusterRef::cluster).distinct().toList();
        return new Cluster(name, size.intValue(), role, image, maxUnavailable == null ? 1 : maxUnavailable.intValue(), dependsOn,
                etcd, health, firstBoot, providerOptions, antiAffinity == null ? role == Role.ETCD : antiAffinity, entry.keyPosition(),
                userData, provider, loadBalancer, spares == null ? 0 : spares.intValue());
    }

    /** The provider name a cluster's {@code provider:} says, for checks made before the block is read in full. */
    private String provider(MapReader c, Entry entry) {
        Entry providerEntry = c.entry("provider");
        if (providerEntry != null && providerEntry.value() instanceof YamlNode.YamlScalar scalar && !scalar.isNull()) {
            return scalar.text();
        }
        if (providerEntry != null && providerEntry.value() instanceof YamlMap map && map.entries().get("name") != null
                && map.entries().get("name").value() instanceof YamlNode.YamlScalar name) {
            return name.text();
        }
        return defaultProvider;
    }

    /**
     * The {@code loadBalancer:} block: a load balancer only knows a server serves by checking it over the network, so
     * the cluster needs an http or tcp health check; two load balancers of one provider cannot share a port.
     */
    private LoadBalancerSpec loadBalancer(MapReader c, HealthCheck health, String provider) {
        Entry entry = c.entry("loadBalancer");
        if (entry == null) {
            return null;
        }
        MapReader lb = MapReader.of(entry, "loadBalancer", Shape.Herd.LOAD_BALANCER, problems);
        if (lb == null) {
            return null;
        }
        boolean ok = true;
        if (health != null && health.type() != HealthCheck.Type.HTTP && health.type() != HealthCheck.Type.TCP) {
            problems.add(entry.keyPosition(), "a load balancer needs a cluster with an http or tcp health check, this one is checked by '"
                    + health.type().name().toLowerCase(java.util.Locale.ROOT) + "'",
                    "add 'health: {type: http, port: 8080, path: /}' to the cluster, so that a server joins the pool only once it serves");
            ok = false;
        }
        Long port = lb.integer("port", 1, 65535, true);
        Long targetPort = lb.integer("targetPort", 1, 65535, false);
        if (targetPort == null && !lb.has("targetPort") && health != null && health.port() == 0 && ok) {
            problems.add(entry.keyPosition(), "the load balancer does not know which port its servers serve on",
                    "add 'targetPort: 8080' under loadBalancer");
            ok = false;
        }
        java.time.Duration drain = LoadBalancerSpec.DEFAULT_DRAIN;
        Entry drainEntry = lb.entry("drain");
        if (drainEntry != null) {
            drain = lb.duration("drain");
            if (drain != null && drain.compareTo(LoadBalancerSpec.MAX_DRAIN) > 0) {
                problems.add(drainEntry.value().position(), "drain must be at most 15m, got " + Problems.shown(((YamlScalar) drainEntry.value()).text()),
                        "use a few seconds to a few minutes: the longest request a server may finish while it goes away, e.g. drain: 10s");
                drain = null;
            }
        }
        String home = null;
        Entry homeEntry = lb.entry("provider");
        if (homeEntry != null) {
            home = lb.string("provider");
            if (home != null && !factories.containsKey(home)) {
                problems.add(homeEntry.value().position(), "the load balancer names unknown provider '" + Problems.shown(home) + "'",
                        Problems.suggest(home, factories.keySet()) + " (providers: " + String.join(", ", factories.keySet()) + ")");
                ok = false;
            }
        }
        if (port != null) {
            String where = home != null ? home : provider;
            String key = (where == null ? "" : where) + ":" + port;
            SourcePosition first = loadBalancerPorts.putIfAbsent(key, lb.entry("port").value().position());
            if (first != null) {
                problems.add(lb.entry("port").value().position(), "port " + port + " is already used by the load balancer at line " + first.line(),
                        "give each load balancer of a provider its own port");
                port = null;
            }
        }
        if (!ok || port == null || drain == null || (targetPort == null && lb.has("targetPort"))) {
            return null;
        }
        return new LoadBalancerSpec(port.intValue(), targetPort != null ? targetPort.intValue() : health.port(), drain, entry.keyPosition(), home);
    }

    /** The image: a provider's reference ({@code host}, a Glance name), or {@code ${images.NAME}} of this file. */
    private String image(MapReader c) {
        String image = c.requiredString("image", "IMAGE");
        if (image == null || !image.contains("${")) {
            return image;
        }
        SourcePosition at = c.entry("image").value().position();
        String name = ImageSpec.referencedName(image);
        if (name == null) {
            problems.add(at, "'" + image + "' is not an image reference",
                    "write ${images.NAME} for an image of this file, or the provider's image name (e.g. host)");
            return null;
        }
        if (!images.contains(name)) {
            problems.add(at, "unknown image '" + name + "' in " + image, ImageReader.imageHint(name, images));
            return null;
        }
        return image;
    }

    private Role role(MapReader c) {
        String role = c.string("role");
        if (role == null) {
            return Role.PLAIN;
        }
        return switch (role) {
            case "plain" -> Role.PLAIN;
            case "etcd" -> Role.ETCD;
            default -> {
                problems.add(c.entry("role").value().position(), "unknown role '" + Problems.shown(role) + "'",
                        Problems.suggest(role, List.of("plain", "etcd")) + " (roles: plain, etcd)");
                yield Role.PLAIN;
            }
        };
    }

    private List<ClusterRef> dependsOn(MapReader c) {
        List<ClusterRef> deps = new ArrayList<>();
        var list = c.list("dependsOn");
        if (list == null) {
            return deps;
        }
        Set<String> known = references.clusters();
        for (YamlNode item : list.items()) {
            String dep = MapReader.asString(item, "dependsOn item", problems);
            if (dep == null) {
                continue;
            }
            if (!known.contains(dep)) {
                problems.add(item.position(), "dependsOn names unknown cluster '" + Problems.shown(dep) + "'",
                        () -> Problems.suggest(dep, known));
            } else {
                deps.add(new ClusterRef(dep, item.position()));
            }
        }
        return deps;
    }

    private EtcdOptions etcd(MapReader c, Role role) {
        Entry entry = c.entry("etcd");
        if (entry == null) {
            return EtcdOptions.DEFAULT;
        }
        if (role != Role.ETCD) {
            problems.add(entry.keyPosition(), "an 'etcd:' block is only allowed in a cluster with role: etcd",
                    "add 'role: etcd' to the cluster, or remove the etcd block");
        }
        MapReader etcd = MapReader.of(entry, "etcd", Shape.Herd.ETCD, problems);
        if (etcd == null) {
            return null;
        }
        Long client = etcd.integer("clientPort", 1, 65535, false);
        Long peer = etcd.integer("peerPort", 1, 65535, false);
        int clientPort = client == null ? EtcdOptions.DEFAULT.clientPort() : client.intValue();
        int peerPort = peer == null ? EtcdOptions.DEFAULT.peerPort() : peer.intValue();
        if (clientPort == peerPort) {
            Entry at = etcd.has("peerPort") ? etcd.entry("peerPort") : etcd.entry("clientPort");
            problems.add(at == null ? entry.keyPosition() : at.value().position(),
                    "clientPort and peerPort must differ, both are " + clientPort, "e.g. clientPort: 2379 and peerPort: 2380");
        }
        Boolean tls = etcd.bool("tls");
        String container = etcd.string("container");
        if (container != null && !container.matches("[a-z0-9][a-z0-9._/:@-]*")) {
            problems.add(etcd.entry("container").value().position(), "'" + Problems.shown(container) + "' is not a container image reference",
                    "e.g. container: quay.io/coreos/etcd:v3.5.17");
            container = null;
        }
        Map<String, String> flags = new LinkedHashMap<>();
        Entry flagsEntry = etcd.entry("flags");
        YamlMap flagMap = flagsEntry == null ? null : MapReader.asMap(flagsEntry.value(), "flags", problems);
        if (flagMap != null) {
            for (Entry flag : flagMap.entries().values()) {
                if (etcdFlag(flag, tls == null || tls, container)) {
                    String value = MapReader.asString(flag.value(), flag.key(), problems);
                    if (value != null) {
                        flags.put(flag.key(), value);
                    }
                }
            }
            new EtcdFlagRules(problems).check(flags, flagMap.entries());
        }
        return new EtcdOptions(clientPort, peerPort, flags, tls == null || tls, container, backup(etcd));
    }

    /** The {@code backup:} block, or null when absent (or wrong: the problem is reported). */
    private BackupSpec backup(MapReader etcd) {
        Entry entry = etcd.entry("backup");
        if (entry == null) {
            return null;
        }
        MapReader b = MapReader.of(entry, "backup", Shape.Herd.BACKUP, problems);
        if (b == null) {
            return null;
        }
        java.time.Duration full = b.duration("full");
        java.time.Duration delta = b.duration("delta");
        Long keep = b.integer("keep", 1, 10_000, false);
        String to = b.string("to");
        full = full == null ? BackupSpec.DEFAULT_FULL : full;
        delta = delta == null ? BackupSpec.DEFAULT_DELTA : delta;
        if (delta.compareTo(full) >= 0) {
            Entry at = b.has("delta") ? b.entry("delta") : b.entry("full");
            problems.add(at == null ? entry.keyPosition() : at.value().position(),
                    "the delta period (" + delta.toString().substring(2).toLowerCase() + ") must be shorter than the full period (" + full.toString().substring(2).toLowerCase() + ")",
                    "e.g. full: 1h and delta: 10s (at most one delta period of writes is at risk)");
        }
        Path dir = directory.resolve(".drover").resolve("backups");
        if (to != null) {
            if (to.isBlank() || to.contains("\0")) {
                problems.add(b.entry("to").value().position(), "'to' must be a directory", "e.g. to: /var/backups/etcd");
            } else {
                dir = directory.resolve(to).normalize();
            }
        }
        java.time.Duration autoRestore = null;
        Entry auto = b.entry("autoRestore");
        if (auto != null) {
            // 'autoRestore: after 2m' reads as what it does; 'autoRestore: 2m' is the same
            String text = auto.value() instanceof YamlScalar sc && !sc.isNull() ? sc.text().strip() : "";
            autoRestore = Durations.parse(text.startsWith("after ") ? text.substring(6).strip() : text);
            if (autoRestore == null || autoRestore.isZero()) {
                problems.add(auto.value().position(), "'autoRestore' must be a duration, got '" + Problems.shown(text) + "'",
                        "e.g. autoRestore: after 2m (heal restores the cluster once it has been without quorum that long)");
                autoRestore = null;
            }
        }
        return new BackupSpec(full, delta, keep == null ? BackupSpec.DEFAULT_KEEP : keep.intValue(), dir, autoRestore);
    }

    /** Whether {@code flag} may be set: a flag the etcd in use knows, and not one Drover sets itself. */
    private boolean etcdFlag(Entry flag, boolean tls, String container) {
        String name = flag.key();
        String bare = name.replaceFirst("^-+", "");
        if (RESERVED_ETCD_FLAGS.contains(bare)) {
            problems.add(flag.keyPosition(), "etcd flag '" + name + "' is set by Drover",
                    "remove it: Drover sets name, data dir, URLs and initial cluster for every member");
            return false;
        }
        if (tls && TLS_ETCD_FLAGS.contains(bare)) {
            problems.add(flag.keyPosition(), "etcd flag '" + name + "' is set by Drover when tls is on",
                    "remove it: every member gets certificates from the herd's own CA; set 'tls: false' to manage TLS yourself");
            return false;
        }
        if (!ETCD_FLAG_NAME.matcher(name).matches()) {
            problems.add(flag.keyPosition(), "bad etcd flag name '" + Problems.shown(name) + "'",
                    "write the flag without leading dashes, in lowercase, e.g. heartbeat-interval");
            return false;
        }
        String version = EtcdFlags.versionOf(container);
        if (EtcdFlags.SUPPORTED.known(version).contains(name)) {
            return true;
        }
        List<String> elsewhere = EtcdFlags.SUPPORTED.versionsKnowing(name);
        if (!elsewhere.isEmpty()) {
            problems.add(flag.keyPosition(), "etcd " + version + " (image " + container + ") has no flag '" + name + "'",
                    "it exists in etcd " + String.join(" and ", elsewhere) + ": use an image of that version, or remove the flag");
            return false;
        }
        String suggestion = Problems.suggest(name, EtcdFlags.SUPPORTED.known(version));
        problems.add(flag.keyPosition(), "unknown etcd flag '" + name + "'",
                (suggestion.startsWith("did you mean") ? suggestion + " " : "")
                        + "etcd " + (version == null ? String.join(", ", EtcdFlags.VERSIONS) : version)
                        + " lists its flags in 'etcd --help'; write them without leading dashes");
        return false;
    }

    /** The health path goes into an HTTP request: it must be a valid URI path (and query). */
    private void badUriCharacter(String path, Entry entry) {
        String base = "http://host";
        try {
            new URI(base + path);
        } catch (URISyntaxException e) {
            YamlScalar scalar = (YamlScalar) entry.value();
            int at = Math.max(0, e.getIndex() - base.length());
            problems.add(scalar.positions(lines).apply(at), "health path '" + Problems.shown(path) + "' is not a valid URL path: "
                    + e.getReason().toLowerCase(java.util.Locale.ROOT), "percent-encode spaces and other special characters, e.g. %20");
        }
    }

    private HealthCheck health(MapReader c, Role role) {
        HealthCheck defaults = HealthCheck.defaultFor(role);
        Entry entry = c.entry("health");
        if (entry == null) {
            return defaults;
        }
        MapReader h = MapReader.of(entry, "health", Shape.Herd.HEALTH, problems);
        if (h == null) {
            return null;
        }
        HealthCheck.Type type = defaults.type();
        String typeName = h.string("type");
        boolean typeKnown = true;
        if (typeName != null) {
            List<String> names = List.of("etcd", "http", "tcp", "process");
            if (!names.contains(typeName)) {
                problems.add(h.entry("type").value().position(), "unknown health check type '" + Problems.shown(typeName) + "'",
                        Problems.suggest(typeName, names) + " (types: etcd, http, tcp, process)");
                typeKnown = false;
            } else {
                type = HealthCheck.Type.valueOf(typeName.toUpperCase(java.util.Locale.ROOT));
                if (type == HealthCheck.Type.ETCD && role != Role.ETCD) {
                    problems.add(h.entry("type").value().position(), "health type etcd needs a cluster with role: etcd",
                            "use http, tcp or process, or set role: etcd");
                }
            }
        }
        boolean network = type == HealthCheck.Type.HTTP || type == HealthCheck.Type.TCP;
        Long port = h.integer("port", 1, 65535, false);
        if (!typeKnown) {
            // which keys apply depends on the type: checking them against a guess would only add noise
        } else if (network && port == null && !h.has("port")) {
            problems.add(entry.keyPosition(), "a " + typeName + " health check needs a port", "add 'port: 8080' under health");
        } else if (!network && h.has("port")) {
            problems.add(h.entry("port").keyPosition(), "'port' is only used by http and tcp health checks",
                    "remove it, or set type: http or tcp");
        }
        String path = h.string("path");
        if (path != null && typeKnown) {
            if (type != HealthCheck.Type.HTTP) {
                problems.add(h.entry("path").keyPosition(), "'path' is only used by http health checks", "remove it, or set type: http");
            } else if (!path.startsWith("/")) {
                problems.add(h.entry("path").value().position(), "health path '" + Problems.shown(path) + "' must start with /",
                        "e.g. path: /healthz");
            } else {
                badUriCharacter(path, h.entry("path"));
            }
        }
        var interval = h.duration("interval");
        var timeout = h.duration("timeout");
        var startTimeout = h.duration("startTimeout");
        Long failures = h.integer("failures", 1, Long.MAX_VALUE, false);
        return new HealthCheck(type, port == null ? defaults.port() : port.intValue(), path == null ? defaults.path() : path,
                interval == null ? defaults.interval() : interval, timeout == null ? defaults.timeout() : timeout,
                startTimeout == null ? defaults.startTimeout() : startTimeout,
                failures == null ? defaults.failures() : failures.intValue());
    }
}
