package io.drover.testkit;

import io.drover.spi.ClusterRequest;
import io.drover.spi.Endpoint;
import io.drover.spi.Image;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.spi.UserData;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cloud that lives in memory, for engine tests and benchmarks: it answers at once, so what is measured or tested is
 * the engine. Sessions of it ({@link MemoryProvider}, one per herd) behave like the real providers (the provider
 * contract suite, {@link ProviderContract}, holds them to the same promises), and tests can reach behind their backs:
 * stop a server, make it drift, leave a create half-done as a killed run would, fail any operation with a typed
 * {@link ProviderException}, or hold a create while it is under way.
 *
 * <p>Like a real cloud it is shared: several sessions (several herds, several threads) see the same servers, and
 * each session sees only its own herd's. Every method is thread-safe.
 *
 * <p>What it models:
 * <ul>
 *   <li>Images: only published images resolve ({@code base} by default); {@link #publish} puts out a new build under
 *       the same name, with a new digest. A baked image is "uploaded" the first time it is resolved (counted by
 *       {@link #uploads()}) and found by its digest afterwards.
 *   <li>Create: the address is assigned first (a reservation of the same name, a fixed address, or the next free one
 *       of the pool), the server then exists as {@link Instance.Status#BUILDING} while its user data is rendered
 *       (exactly once), then it is {@link Instance.Status#RUNNING}. A create of a name that runs adopts it (no
 *       render); the remains of a dead create of that name are cleared and the server is built anew.
 *   <li>Reservations (on by default), released or swept as the SPI says; cluster-wide resources by name.
 *   <li>Time: {@code createdAt} comes from the injected clock.
 * </ul>
 *
 * <p>One piece, over 400 lines, on purpose: servers, reservations, cluster resources, load balancers, the call log
 * and the fault hooks share one lock and one log, so that a test's assertions on the log see the cloud's calls in
 * the order they took effect. It is test support, not product code.
 */
public final class MemoryCloud {

    /** The provider operations, for fault injection, holds and call counts. */
    public enum Operation { RESOLVE_IMAGE, CREATE, RESERVE, RELEASE, SWEEP, LIST, DESTROY, REBOOT, ENSURE_CLUSTER, DESTROY_CLUSTER, LIST_CLUSTERS,
        LB_ENSURE, LB_LIST, LB_ADD_MEMBER, LB_DRAIN_MEMBER, LB_REMOVE_MEMBER, LB_DELETE }

    private final Clock clock;
    private final boolean reservations;
    private final io.drover.spi.Limits limits;
    private final AddressPool pool;
    private final Map<String, String> fixedAddresses;
    /** A new server's access address from its peer address; {@code null}: none (the access address is the peer one). */
    private final java.util.function.UnaryOperator<String> accessAddresses;

    // guarded by this
    private final Map<String, Server> servers = new LinkedHashMap<>();
    /** What servers write to their logs as they boot, by name. */
    private final Map<String, List<String>> bootLogs = new HashMap<>();
    private final Map<Key, String> reserved = new LinkedHashMap<>();
    private final Map<Key, ClusterRequest> clusters = new LinkedHashMap<>();
    private final Map<String, Image> images = new LinkedHashMap<>();
    /** Baked images uploaded so far, by digest. */
    private final Map<String, Image> baked = new LinkedHashMap<>();
    private int uploads;
    private final Map<String, Integer> imageBuilds = new HashMap<>();
    private final Map<String, Integer> renders = new HashMap<>();
    /** The placement hint of the last create of each name. */
    private final Map<String, io.drover.spi.Placement> placements = new HashMap<>();
    private final List<Logged> log = new ArrayList<>();
    private long nextId = 1;

    private final List<Armed> faults = new CopyOnWriteArrayList<>();
    private final List<Hold> holds = new CopyOnWriteArrayList<>();
    private final Map<Operation, AtomicInteger> calls = new EnumMap<>(Operation.class);
    private final MemoryLoadBalancers loadBalancers = new MemoryLoadBalancers(this);

    private MemoryCloud(Builder b) {
        this.clock = b.clock;
        this.reservations = b.reservations;
        this.limits = b.limits;
        this.pool = new AddressPool(b.addresses);
        this.fixedAddresses = Map.copyOf(b.fixedAddresses);
        this.accessAddresses = b.accessAddresses;
        for (Operation op : Operation.values()) {
            calls.put(op, new AtomicInteger());
        }
        for (String image : b.images) {
            publish(image);
        }
    }

    /** A cloud with the defaults: the system clock, reservations, addresses {@code 10.x.y.z}, the image {@code base}. */
    public static MemoryCloud create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A session for one herd, as {@link MemoryProviderFactory#open} gives. */
    public MemoryProvider open(String herd) {
        return new MemoryProvider(this, herd);
    }

    // ---- what tests do behind the providers' backs ---------------------------------------------------------------

    /** The cloud's load balancers, to look at and to break (a killed load balancer, connections under way). */
    public MemoryLoadBalancers loadBalancers() {
        return loadBalancers;
    }

    /** Publishes an image, or a new build of one: the same reference then resolves to a new id and digest. */
    public synchronized Image publish(String reference) {
        int build = imageBuilds.merge(reference, 1, Integer::sum);
        Image image = new Image(reference, "img-" + reference + "-" + build, "sha256:" + sha256(reference + "#" + build));
        images.put(reference, image);
        return image;
    }

    /** What its providers declare they can do: everything, but reservations only when the cloud makes them. */
    public java.util.Set<io.drover.spi.Capability> capabilities() {
        java.util.Set<io.drover.spi.Capability> all = java.util.EnumSet.allOf(io.drover.spi.Capability.class);
        if (!reservations) {
            all.remove(io.drover.spi.Capability.RESERVATIONS);
        }
        return java.util.Collections.unmodifiableSet(all);
    }

    /** What its providers declare they accept in tags and user data ({@link Builder#limits}). */
    public io.drover.spi.Limits limits() {
        return limits;
    }

    /** How many baked images were uploaded (a baked image resolved again is found by its digest, not uploaded). */
    public synchronized int uploads() {
        return uploads;
    }

    /** Fails the calls of {@code fault}'s operation it matches, as a cloud error would; see {@link Fault}. */
    public void inject(Fault fault) {
        faults.add(new Armed(fault));
    }

    /** Takes back every injected fault that has not fired yet. */
    public void clearFaults() {
        faults.clear();
    }

    /**
     * Makes the next call of {@code operation} on {@code target} (a server name for creates, an id for destroys) stop
     * half-way until {@link Hold#release()}: a create after its server exists ({@link Instance.Status#BUILDING}) and
     * before its user data is rendered, a destroy before its server is gone.
     */
    public Hold hold(Operation operation, String target) {
        Hold hold = new Hold(operation, target);
        holds.add(hold);
        return hold;
    }

    /** How many times the providers of this cloud were asked to do {@code operation} (failed calls included). */
    public int calls(Operation operation) {
        return calls.get(operation).get();
    }

    /**
     * Every server this cloud made run and every server a provider destroyed, in the order it happened (a create when
     * its server runs, a destroy when its server is gone): engine tests read from it the order of a roll or of
     * dependent clusters, and how many replacements overlapped. Adoptions, failed calls, and what tests do behind the
     * providers' backs are not in it.
     */
    public synchronized List<Logged> log() {
        return List.copyOf(log);
    }

    /** How many times a user data of a server of that name was rendered. */
    public synchronized int renders(String name) {
        return renders.getOrDefault(name, 0);
    }

    /** The placement hint the last create of that name was given, if there was one. */
    public synchronized Optional<io.drover.spi.Placement> placement(String name) {
        return Optional.ofNullable(placements.get(name));
    }

    /** How many times the server of that name was rebooted. */
    public synchronized int reboots(String name) {
        return named(name).reboots;
    }

    /** Every server of every herd, oldest first. */
    public synchronized List<MemoryServer> servers() {
        return servers.values().stream().sorted(Server.ORDER).map(Server::view).toList();
    }

    /** The server of that name in any herd, if it exists. */
    public synchronized Optional<MemoryServer> server(String name) {
        return servers.values().stream().filter(s -> s.name.equals(name)).findFirst().map(Server::view);
    }

    /** The names of the reservations of a herd that no server uses (yet). */
    public synchronized Set<String> reservations(String herd) {
        Set<String> names = new TreeSet<>();
        reserved.keySet().stream().filter(k -> k.herd.equals(herd)).forEach(k -> names.add(k.name));
        return names;
    }

    /** Sets a server's status, as the cloud would when it crashed, was stopped, or finished building it. */
    public synchronized void setStatus(String name, Instance.Status status) {
        named(name).status = Objects.requireNonNull(status, "status");
    }

    /** Makes a server report drift, as if {@code what} about it changed by hand; {@code null} takes it back. */
    public synchronized void drift(String name, String what) {
        named(name).drift = what == null || what.isBlank() ? null : what;
    }

    /** Deletes a server behind the providers' backs, as an operator of the cloud would. */
    public synchronized void remove(String name) {
        servers.values().removeIf(s -> s.name.equals(name));
    }

    /**
     * Puts a server in place as if an earlier run (or another tool) had created it, with the id, address, status,
     * tags and creation time of {@code instance}; {@link Tags#HERD} is set to {@code herd}.
     */
    public synchronized Instance put(String herd, Instance instance) {
        Map<String, String> tags = new HashMap<>(instance.tags());
        tags.put(Tags.HERD, herd);
        Server s = new Server(instance.id(), herd, instance.name(), tags.getOrDefault(Tags.CLUSTER, ""), instance.ip(), tags,
                instance.createdAt(), null);
        s.status = instance.status();
        s.drift = instance.drift();
        s.accessIp = instance.accessIp();
        servers.put(s.id, s);
        return s.instance();
    }

    /**
     * Leaves what a create of {@code request} leaves when the process running it is killed after its server exists
     * and before its user data was rendered: a server with its address and tags, in status {@code left} ({@code
     * STOPPED} for a provider that builds nothing without its creator, {@code BUILDING} for a cloud that goes on by
     * itself: {@link #setStatus} it later).
     */
    public synchronized Instance interruptedCreate(String herd, LaunchRequest request, Instance.Status left) throws ProviderException {
        Server s = newServer(herd, request);
        s.status = left;
        return s.instance();
    }

    // ---- the provider operations, for MemoryProvider -------------------------------------------------------------

    Image resolveImage(io.drover.spi.ImageSource source) throws ProviderException {
        enter(Operation.RESOLVE_IMAGE, source.reference());
        synchronized (this) {
            if (source instanceof io.drover.spi.ImageSource.Baked b) {
                if (b.rootfs().isEmpty() && b.disk().isEmpty()) {
                    throw new ProviderException("baked image '" + b.name() + "' has no files to upload (no rootfs, no disk): bake it again");
                }
                Image known = baked.get(b.digest());
                if (known == null) {
                    uploads++;
                    known = new Image(b, "img-baked-" + b.digest().substring("sha256:".length(), Math.min(b.digest().length(), 19)), b.digest());
                    baked.put(b.digest(), known);
                }
                return known;
            }
            String reference = source.reference();
            Image image = images.get(reference);
            if (image == null) {
                throw new ProviderException("image '" + reference + "' does not exist in the memory cloud (published: "
                        + String.join(", ", images.keySet()) + "); publish it first");
            }
            return image;
        }
    }

    Instance create(String herd, LaunchRequest request) throws ProviderException {
        Armed fault = enter(Operation.CREATE, request.name());
        Server server;
        synchronized (this) {
            Server existing = find(herd, request.name());
            if (existing != null) {
                if (existing.creating) {
                    throw new ProviderException("server " + request.name() + " is being created by another call right now", true, null);
                }
                if (existing.status == Instance.Status.RUNNING) {
                    return existing.instance(); // adopted: created by a run that did not live to record it
                }
                // Dead (or the remains of a create that died): built anew, on its address, as a cloud keeps the port.
                servers.remove(existing.id);
                reserved.put(new Key(herd, request.name()), existing.ip);
            }
            if (images.values().stream().noneMatch(i -> i.id().equals(request.image().id()))
                    && baked.values().stream().noneMatch(i -> i.id().equals(request.image().id()))) {
                reserved.remove(new Key(herd, request.name()));
                throw new ProviderException("image " + request.image().id() + " ('" + request.image().reference()
                        + "') does not exist in the memory cloud; resolve a published image");
            }
            server = newServer(herd, request);
            server.creating = true;
        }
        awaitHolds(Operation.CREATE, request.name());
        if (fault != null && fault.fault.crash == Crash.WHILE_RENDERING) {
            synchronized (this) {
                server.creating = false;
                server.status = fault.fault.left;
            }
            throw new SimulatedCrash("create of " + request.name() + " (killed while rendering its user data)");
        }
        UserData userData;
        try {
            userData = request.userData().render(new Endpoint(request.name(), server.ip));
        } catch (ProviderException | RuntimeException e) {
            synchronized (this) {
                servers.remove(server.id); // a failed create leaves nothing, its reservation included
            }
            throw e;
        }
        Instance created;
        synchronized (this) {
            renders.merge(request.name(), 1, Integer::sum);
            server.creating = false;
            if (servers.get(server.id) != server) {
                throw new ProviderException("server " + request.name() + " was deleted while it was being created; run again", true, null);
            }
            server.userData = userData;
            server.status = Instance.Status.RUNNING;
            created = server.instance();
            log.add(new Logged(Operation.CREATE, herd, request.name()));
        }
        if (fault != null && fault.fault.crash == Crash.AFTER_CREATE) {
            throw new SimulatedCrash("create of " + request.name() + " (killed after the server was created, before its state was saved)");
        }
        return created;
    }

    Optional<Endpoint> reserve(String herd, String name) throws ProviderException {
        return reserve(herd, name, io.drover.spi.Placement.ANY);
    }

    Optional<Endpoint> reserve(String herd, String name, io.drover.spi.Placement placement) throws ProviderException {
        enter(Operation.RESERVE, name);
        if (!reservations) {
            return Optional.empty();
        }
        synchronized (this) {
            Server existing = find(herd, name);
            if (existing != null) {
                return Optional.of(new Endpoint(name, existing.ip));
            }
            Key key = new Key(herd, name);
            String ip = reserved.get(key);
            if (ip == null) {
                ip = allocate(name, placement);
                reserved.put(key, ip);
            }
            return Optional.of(new Endpoint(name, ip));
        }
    }

    void release(String herd, String name) throws ProviderException {
        enter(Operation.RELEASE, name);
        synchronized (this) {
            reserved.remove(new Key(herd, name));
        }
    }

    void sweep(String herd, Set<String> keep) throws ProviderException {
        enter(Operation.SWEEP, null);
        synchronized (this) {
            reserved.keySet().removeIf(k -> k.herd.equals(herd) && !keep.contains(k.name));
        }
    }

    List<Instance> list(String herd) throws ProviderException {
        enter(Operation.LIST, null);
        synchronized (this) {
            return servers.values().stream().filter(s -> s.herd.equals(herd)).sorted(Server.ORDER).map(Server::instance).toList();
        }
    }

    void destroy(String herd, String id) throws ProviderException {
        enter(Operation.DESTROY, id);
        awaitHolds(Operation.DESTROY, id);
        synchronized (this) {
            Server s = servers.get(id);
            if (s != null && s.herd.equals(herd)) {
                servers.remove(id);
                log.add(new Logged(Operation.DESTROY, herd, s.name));
            }
        }
    }

    /** What the server of that name (created now or later) writes to its log as it boots, oldest first. */
    public synchronized void writesAtBoot(String name, String... lines) {
        bootLogs.put(name, List.of(lines));
    }

    synchronized List<String> bootLog(String herd, String id, int lines) {
        Server s = servers.get(id);
        if (s == null || !s.herd.equals(herd)) {
            return List.of();
        }
        List<String> all = bootLogs.getOrDefault(s.name, List.of());
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    /** A reboot keeps everything of the server; only running servers can be rebooted. */
    void reboot(String herd, String id) throws ProviderException {
        enter(Operation.REBOOT, id);
        synchronized (this) {
            Server s = servers.get(id);
            if (s == null || !s.herd.equals(herd) || s.status != Instance.Status.RUNNING) {
                throw new ProviderException("server " + id + " is not running: only a running server can be rebooted");
            }
            s.reboots++;
        }
    }

    void ensureCluster(String herd, ClusterRequest request) throws ProviderException {
        enter(Operation.ENSURE_CLUSTER, request.name());
        synchronized (this) {
            clusters.put(new Key(herd, request.name()), request);
        }
    }

    void destroyCluster(String herd, String cluster) throws ProviderException {
        enter(Operation.DESTROY_CLUSTER, cluster);
        synchronized (this) {
            clusters.remove(new Key(herd, cluster));
        }
    }

    List<String> listClusters(String herd) throws ProviderException {
        enter(Operation.LIST_CLUSTERS, null);
        synchronized (this) {
            return clusters.keySet().stream().filter(k -> k.herd.equals(herd)).map(k -> k.name).sorted().toList();
        }
    }

    // ---- internals -----------------------------------------------------------------------------------------------

    /** A load balancer call: counted, faults and holds applied, and logged (with the member or cluster) when it changes something. */
    void loadBalancerCall(Operation operation, String herd, String target, boolean changes) throws ProviderException {
        enter(operation, target);
        awaitHolds(operation, target);
        if (changes) {
            synchronized (this) {
                log.add(new Logged(operation, herd, target));
            }
        }
    }

    /** Counts the call and fires the first armed fault that matches it; returns a crash fault for create to act on. */
    private Armed enter(Operation operation, String target) throws ProviderException {
        calls.get(operation).incrementAndGet();
        for (Armed armed : faults) {
            if (armed.matches(operation, target) && armed.take()) {
                if (armed.fault.crash != null) {
                    return armed;
                }
                String what = armed.fault.message != null ? armed.fault.message
                        : "injected failure of " + operation.name().toLowerCase(java.util.Locale.ROOT) + (target == null ? "" : " " + target);
                throw new ProviderException(what, armed.fault.retryable, null);
            }
        }
        return null;
    }

    private void awaitHolds(Operation operation, String target) throws ProviderException {
        for (Hold hold : holds) {
            if (hold.operation == operation && hold.target.equals(target) && hold.take()) {
                holds.remove(hold);
                hold.reached.countDown();
                try {
                    hold.released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProviderException("interrupted while held", true, e);
                }
            }
        }
    }

    private Server newServer(String herd, LaunchRequest request) throws ProviderException {
        placements.put(request.name(), request.placement());
        String ip = reserved.remove(new Key(herd, request.name()));
        if (ip == null) {
            ip = allocate(request.name(), request.placement());
        }
        Map<String, String> tags = new HashMap<>(request.tags());
        tags.put(Tags.HERD, herd);
        tags.putIfAbsent(Tags.CLUSTER, request.cluster());
        Server s = new Server("m-" + nextId++, herd, request.name(), request.cluster(), ip, tags, clock.instant(), request.image());
        s.accessIp = accessAddresses == null ? null : accessAddresses.apply(ip);
        servers.put(s.id, s);
        return s;
    }

    /** The name's fixed address, else the preferred one if it is free, else the next free one. */
    private String allocate(String name, io.drover.spi.Placement placement) throws ProviderException {
        Set<String> used = new java.util.HashSet<>(reserved.values());
        servers.values().forEach(s -> used.add(s.ip));
        String fixed = fixedAddresses.get(name);
        if (fixed != null) {
            if (used.contains(fixed)) {
                throw new ProviderException("fixed address " + fixed + " of " + name + " is in use by another server");
            }
            return fixed;
        }
        used.addAll(fixedAddresses.values());
        Optional<String> preferred = placement.preferredAddress();
        if (preferred.isPresent() && !used.contains(preferred.get())) {
            return preferred.get();
        }
        return pool.next(used);
    }

    private Server find(String herd, String name) {
        return servers.values().stream().filter(s -> s.herd.equals(herd) && s.name.equals(name)).findFirst().orElse(null);
    }

    private Server named(String name) {
        return servers.values().stream().filter(s -> s.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server named " + name + " in the memory cloud"));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A server as the cloud holds it (mutable, guarded by the cloud). */
    private static final class Server {
        static final Comparator<Server> ORDER = Comparator.<Server, Instant>comparing(s -> s.createdAt).thenComparing(s -> s.name);

        final String id;
        final String herd;
        final String name;
        final String cluster;
        final String ip;
        final Map<String, String> tags;
        final Instant createdAt;
        final Image image;
        Instance.Status status = Instance.Status.BUILDING;
        String drift;
        String accessIp;
        UserData userData;
        boolean creating;
        int reboots;

        Server(String id, String herd, String name, String cluster, String ip, Map<String, String> tags, Instant createdAt, Image image) {
            this.id = id;
            this.herd = herd;
            this.name = name;
            this.cluster = cluster;
            this.ip = ip;
            this.tags = Map.copyOf(tags);
            this.createdAt = createdAt;
            this.image = image;
        }

        Instance instance() {
            return new Instance(id, name, ip, status, tags, createdAt, drift, accessIp);
        }

        MemoryServer view() {
            return new MemoryServer(herd, cluster, instance(), Optional.ofNullable(image), Optional.ofNullable(userData));
        }
    }

    private record Key(String herd, String name) {}

    /** One entry of {@link #log()}: a server of a herd was created ({@link Operation#CREATE}) or destroyed. */
    public record Logged(Operation operation, String herd, String name) {}

    /**
     * A server as the cloud holds it, seen from outside.
     *
     * @param image what it was created from (empty for servers {@link #put} in place)
     * @param userData its rendered first-boot config (empty until rendered)
     */
    public record MemoryServer(String herd, String cluster, Instance instance, Optional<Image> image, Optional<UserData> userData) {
        public String name() {
            return instance.name();
        }
    }

    /** Hands out addresses: a prefix of whole octets ({@code 10.}, {@code 127.0.99.}) and a counter for the rest. */
    private static final class AddressPool {
        private final String prefix;
        private final int freeOctets;
        private final long size;
        private long next = 1;

        AddressPool(String prefix) {
            String p = prefix.endsWith(".") ? prefix : prefix + ".";
            int octets = p.length() - p.replace(".", "").length();
            if (octets < 1 || octets > 3) {
                throw new IllegalArgumentException("address prefix '" + prefix + "' must have 1 to 3 whole octets, like 10. or 127.0.99.");
            }
            this.prefix = p;
            this.freeOctets = 4 - octets;
            this.size = (1L << (8 * freeOctets)) - 2; // neither .0 nor the broadcast of the last octet's block
        }

        String next(Set<String> used) throws ProviderException {
            for (long tried = 0; tried < size; tried++) {
                long n = next;
                next = next % size + 1;
                String ip = format(n);
                if (!used.contains(ip)) {
                    return ip;
                }
            }
            throw new ProviderException("no free address left in " + prefix + "*: destroy servers or release reservations");
        }

        private String format(long n) {
            StringBuilder ip = new StringBuilder(prefix);
            for (int octet = freeOctets - 1; octet >= 0; octet--) {
                ip.append(n >> (8 * octet) & 255);
                if (octet > 0) {
                    ip.append('.');
                }
            }
            return ip.toString();
        }
    }

    // ---- faults, crashes and holds -------------------------------------------------------------------------------

    private enum Crash { WHILE_RENDERING, AFTER_CREATE }

    /**
     * A failure to inject: which operation, on which target (a server name for create/reserve/release, an instance id
     * for destroy, an image reference, a cluster name; any when not set), how often, retryable or not. Or, for creates,
     * a crash: the process running the create dies (see {@link SimulatedCrash}).
     */
    public static final class Fault {
        private final Operation operation;
        private final String target;
        private final boolean retryable;
        private final int times;
        private final String message;
        private final Crash crash;
        private final Instance.Status left;

        private Fault(Operation operation, String target, boolean retryable, int times, String message, Crash crash, Instance.Status left) {
            this.operation = Objects.requireNonNull(operation, "operation");
            this.target = target;
            this.retryable = retryable;
            this.times = times;
            this.message = message;
            this.crash = crash;
            this.left = left;
        }

        /** Fails the next call of {@code operation}, whatever its target, with a non-retryable error. */
        public static Fault on(Operation operation) {
            return new Fault(operation, null, false, 1, null, null, null);
        }

        /** Only calls on this server name, instance id, image reference or cluster. */
        public Fault target(String nameOrId) {
            return new Fault(operation, nameOrId, retryable, times, message, crash, left);
        }

        /** The error says trying again later may succeed (a timeout, a 503). */
        public Fault retryable() {
            return new Fault(operation, target, true, times, message, crash, left);
        }

        /** Fires this many times (default once). */
        public Fault times(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("a fault fires at least once");
            }
            return new Fault(operation, target, retryable, count, message, crash, left);
        }

        /** Fires on every matching call until {@link #clearFaults()}. */
        public Fault always() {
            return new Fault(operation, target, retryable, Integer.MAX_VALUE, message, crash, left);
        }

        /** The error's message (default "injected failure of OPERATION TARGET"). */
        public Fault message(String text) {
            return new Fault(operation, target, retryable, times, text, crash, left);
        }

        /**
         * The process running the create is killed after the server exists and before its user data is rendered;
         * the server stays behind in status {@code left}.
         */
        public Fault crashWhileRendering(Instance.Status left) {
            requireCreate();
            return new Fault(operation, target, retryable, times, message, Crash.WHILE_RENDERING, Objects.requireNonNull(left, "left"));
        }

        /** The process running the create is killed once the server runs, before the caller could record it. */
        public Fault crashAfterCreate() {
            requireCreate();
            return new Fault(operation, target, retryable, times, message, Crash.AFTER_CREATE, null);
        }

        private void requireCreate() {
            if (operation != Operation.CREATE) {
                throw new IllegalStateException("only creates crash half-way; fail " + operation + " instead");
            }
        }
    }

    /** A fault with its remaining count. */
    private static final class Armed {
        final Fault fault;
        final AtomicInteger remaining;

        Armed(Fault fault) {
            this.fault = fault;
            this.remaining = new AtomicInteger(fault.times);
        }

        boolean matches(Operation operation, String target) {
            return fault.operation == operation && (fault.target == null || fault.target.equals(target));
        }

        boolean take() {
            return fault.times == Integer.MAX_VALUE || remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        }
    }

    /**
     * Thrown out of a create in place of its result when a crash was injected: the run is dead, as after a
     * {@code kill -9}. An {@link Error} so that code catching exceptions to record failures does not record this one;
     * tests catch it where the killed run would have ended.
     */
    public static final class SimulatedCrash extends Error {
        public SimulatedCrash(String what) {
            super("simulated crash: " + what);
        }
    }

    /** A call stopped half-way; see {@link #hold}. */
    public static final class Hold {
        private final Operation operation;
        private final String target;
        private final AtomicInteger uses = new AtomicInteger();
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        private Hold(Operation operation, String target) {
            this.operation = operation;
            this.target = Objects.requireNonNull(target, "target");
        }

        private boolean take() {
            return uses.getAndIncrement() == 0;
        }

        /** Waits until the held call got there; false if it did not within {@code timeout}. */
        public boolean awaitReached(Duration timeout) throws InterruptedException {
            return reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Lets the held call go on (also if it has not got there yet: it then does not stop). */
        public void release() {
            released.countDown();
        }
    }

    /** How a {@link MemoryCloud} is made. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private boolean reservations = true;
        private io.drover.spi.Limits limits = io.drover.spi.Limits.NONE;
        private String addresses = "10.";
        private final Map<String, String> fixedAddresses = new LinkedHashMap<>();
        private java.util.function.UnaryOperator<String> accessAddresses;
        private final List<String> images = new ArrayList<>(List.of("base"));

        private Builder() {}

        /** Where {@code createdAt} comes from. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** A cloud that cannot reserve addresses ahead ({@code reserve} answers empty), so clusters grow one by one. */
        public Builder withoutReservations() {
            this.reservations = false;
            return this;
        }

        /** What the cloud's providers declare they accept in tags and user data (default: no limits). */
        public Builder limits(io.drover.spi.Limits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /** The pool servers' addresses come from: whole leading octets, e.g. {@code 127.0.99.} (default {@code 10.}). */
        public Builder addresses(String prefix) {
            this.addresses = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** The server (or reservation) of that name gets this address. */
        public Builder fixedAddress(String name, String ip) {
            fixedAddresses.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(ip, "ip"));
            return this;
        }

        /**
         * Gives each new server an access address apart from its peer one, as a cloud's floating IPs, e.g.
         * {@code ip -> ip.replace("10.", "203.")} (default: none, the access address is the peer address).
         */
        public Builder accessAddresses(java.util.function.UnaryOperator<String> fromPeer) {
            this.accessAddresses = Objects.requireNonNull(fromPeer, "fromPeer");
            return this;
        }

        /** The images that resolve (default {@code base}). */
        public Builder images(String... references) {
            images.clear();
            images.addAll(List.of(references));
            return this;
        }

        public MemoryCloud build() {
            new AddressPool(addresses); // fails early on a bad prefix
            return new MemoryCloud(this);
        }
    }
}
