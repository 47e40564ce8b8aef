package io.drover.provider.local;

import io.drover.spi.FileErrors;
import io.drover.spi.LoadBalancer;
import io.drover.spi.LoadBalancerRequest;
import io.drover.spi.LoadBalancers;
import io.drover.spi.PoolMember;
import io.drover.spi.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local provider's load balancers: one HAProxy per cluster on a loopback address of its own, run by a
 * {@link Supervisor} like a server's units ({@code Restart=always}: a kill -9 of HAProxy is healed within a fraction of
 * a second, same address and port, from a config that holds the current members). Members change through HAProxy's
 * runtime API on its admin socket, never by a reload; each change is written to the load balancer's directory first, so
 * a restart in between still serves the right pool.
 *
 * <p>Directory: {@code ROOT/loadbalancers/HERD/CLUSTER/} with {@link HaproxyConfig#FILE}, {@code haproxy.cfg}, the
 * admin socket, the supervisor's files and {@code logs/}.
 */
final class LocalLoadBalancers implements LoadBalancers {
    static final String UNIT = "haproxy.service";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DELETE_TIMEOUT = Duration.ofSeconds(3);

    /** Starts a supervisor on a directory, as the provider does for a server. */
    interface Supervisors {
        void start(String name, Path dir) throws ProviderException, IOException;
    }

    private final Path root;
    private final AddressAllocator allocator;
    private final Supervisors supervisors;
    private final Map<String, String> environment;

    LocalLoadBalancers(Path providerRoot, String herd, AddressAllocator allocator, Supervisors supervisors, Map<String, String> environment) {
        this.root = providerRoot.resolve("loadbalancers").resolve(herd);
        this.allocator = allocator;
        this.supervisors = supervisors;
        this.environment = Map.copyOf(environment);
    }

    /** The directory of a cluster's load balancer (for tests that reach behind the provider's back). */
    Path directory(String cluster) {
        return root.resolve(cluster);
    }

    @Override
    public synchronized LoadBalancer ensure(LoadBalancerRequest request) throws ProviderException {
        Path dir = directory(request.cluster());
        try {
            Files.createDirectories(dir.resolve("logs"));
            Optional<HaproxyConfig> existing = Files.exists(dir.resolve(HaproxyConfig.FILE)) ? Optional.of(HaproxyConfig.read(dir)) : Optional.empty();
            String address = existing.isPresent() ? existing.get().address() : allocator.allocate(dir);
            LoadBalancerRequest.Check check = request.check();
            HaproxyConfig wanted = new HaproxyConfig(request.cluster(), address, request.port(), request.targetPort(), check.httpPath(),
                    check.port(), check.interval().toMillis(), check.failures(), existing.map(HaproxyConfig::members).orElse(Map.of()));
            boolean changed = existing.isEmpty() || !existing.get().equals(wanted);
            wanted.write(dir);
            writeUnit(dir);
            new SupervisorConfig("lb-" + request.cluster(), address, List.of(UNIT)).write(dir.resolve(SupervisorConfig.NAME));
            Optional<PidFile> pid = PidFile.read(dir.resolve(PidFile.NAME)).filter(PidFile::alive);
            if (pid.isPresent() && changed) {
                // The listener or the check changed: HAProxy starts again from the new file (members are in it).
                new ProcessGroup(pid.get().pid(), pid.get().started()).stop(STOP_TIMEOUT);
                pid = Optional.empty();
            }
            if (pid.isEmpty()) {
                supervisors.start("lb-" + request.cluster(), dir);
            }
            awaitServing(dir, wanted);
            return view(dir, HaproxyConfig.read(dir));
        } catch (IOException e) {
            throw new ProviderException("cannot set up the load balancer of cluster " + request.cluster() + " in " + dir + ": "
                    + FileErrors.describe(e), true, e);
        } catch (InterruptedException e) {
            throw ProviderException.interrupted("starting the load balancer of cluster " + request.cluster(), e);
        }
    }

    @Override
    public synchronized List<LoadBalancer> list() throws ProviderException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<LoadBalancer> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                if (Files.exists(dir.resolve(HaproxyConfig.FILE))) {
                    all.add(view(dir, HaproxyConfig.read(dir)));
                }
            }
        } catch (IOException e) {
            throw new ProviderException("cannot read the load balancers in " + root + ": " + FileErrors.describe(e), true, e);
        }
        return all;
    }

    @Override
    public synchronized void addMember(String cluster, PoolMember.Target target) throws ProviderException {
        Path dir = existing(cluster);
        HaproxyConfig.Member member = new HaproxyConfig.Member(target.name(), target.address(), target.port(), false);
        HaproxyConfig config = update(dir, c -> c.with(member));
        HaproxyAdmin admin = admin(dir);
        if (!admin.answers()) {
            return; // restarting: it starts from the file, which has the member
        }
        String server = HaproxyConfig.BACKEND + "/" + target.name();
        String added = admin.command("add server " + server + " " + target.address() + ":" + target.port() + " " + config.serverOptions(member));
        if (added.contains("New server registered")) {
            expectOk(admin, "enable health " + server);
        } else if (!added.contains("Already exists")) {
            throw new ProviderException("HAProxy refused to add " + target.name() + " to the load balancer of " + cluster + ": " + added, true, null);
        } else {
            expectOk(admin, "set server " + server + " weight 100");
        }
        expectOk(admin, "set server " + server + " state ready");
    }

    @Override
    public synchronized void drainMember(String cluster, String name) throws ProviderException {
        Path dir = directory(cluster);
        if (!Files.exists(dir.resolve(HaproxyConfig.FILE))) {
            return;
        }
        HaproxyConfig config = read(dir);
        HaproxyConfig.Member m = config.members().get(name);
        if (m == null) {
            return;
        }
        update(dir, c -> c.with(new HaproxyConfig.Member(m.name(), m.address(), m.port(), true)));
        HaproxyAdmin admin = admin(dir);
        if (admin.answers()) {
            expectOk(admin, "set server " + HaproxyConfig.BACKEND + "/" + name + " state drain");
        }
    }

    @Override
    public synchronized void removeMember(String cluster, String name) throws ProviderException {
        Path dir = directory(cluster);
        if (!Files.exists(dir.resolve(HaproxyConfig.FILE))) {
            return;
        }
        update(dir, c -> c.without(name));
        HaproxyAdmin admin = admin(dir);
        if (!admin.answers()) {
            return;
        }
        String server = HaproxyConfig.BACKEND + "/" + name;
        // HAProxy deletes only a server in maintenance with nothing attached: the engine drained it already.
        String maint = admin.command("set server " + server + " state maint");
        if (maint.contains("No such server")) {
            return;
        }
        long deadline = System.nanoTime() + DELETE_TIMEOUT.toNanos(); // monotonic: a clock jump neither cuts nor stretches it
        while (true) {
            String deleted = admin.command("del server " + server);
            if (deleted.contains("Server deleted") || deleted.contains("No such server")) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                admin.command("shutdown sessions server " + server);
                deadline = System.nanoTime() + DELETE_TIMEOUT.toNanos();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw ProviderException.interrupted("removing " + name + " from the load balancer of " + cluster, e);
            }
        }
    }

    @Override
    public synchronized void delete(String cluster) throws ProviderException {
        Path dir = directory(cluster);
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Optional<PidFile> pid = PidFile.read(dir.resolve(PidFile.NAME));
            if (pid.isPresent()) {
                new ProcessGroup(pid.get().pid(), pid.get().started()).stop(STOP_TIMEOUT);
            }
            deleteTree(dir);
        } catch (IOException e) {
            throw new ProviderException("cannot remove the load balancer of cluster " + cluster + " (" + dir + "): " + FileErrors.describe(e), true, e);
        } catch (InterruptedException e) {
            throw ProviderException.interrupted("deleting the load balancer of cluster " + cluster, e);
        }
        allocator.release(dir);
    }

    /** The running HAProxy's process id, if it runs (for tests that kill it). */
    Optional<Long> haproxyPid(String cluster) {
        Path dir = directory(cluster);
        return PidFile.read(dir.resolve(PidFile.NAME)).filter(PidFile::alive)
                .flatMap(p -> ProcessHandle.of(p.pid()))
                .flatMap(p -> p.descendants().filter(d -> d.info().command().map(c -> c.endsWith("haproxy")).orElse(false)).findFirst())
                .map(ProcessHandle::pid);
    }

    // ---- internals ---------------------------------------------------------------------------------------------------

    private LoadBalancer view(Path dir, HaproxyConfig config) throws ProviderException {
        HaproxyAdmin admin = admin(dir);
        boolean running = PidFile.read(dir.resolve(PidFile.NAME)).filter(PidFile::alive).isPresent() && admin.answers();
        List<PoolMember> members = new ArrayList<>();
        if (running) {
            Map<String, String[]> states = rows(admin.command("show servers state " + HaproxyConfig.BACKEND), " ");
            Map<String, String[]> stats = rows(admin.command("show stat"), ",");
            for (HaproxyConfig.Member m : config.members().values()) {
                String[] state = states.get(m.name());
                String[] stat = stats.get(HaproxyConfig.BACKEND + "," + m.name());
                long active = stat == null ? 0 : parse(stat[4]);
                long total = stat == null ? 0 : parse(stat[7]);
                members.add(new PoolMember(m.name(), m.address(), m.port(), state(state, m), active, total));
            }
        } else {
            for (HaproxyConfig.Member m : config.members().values()) {
                members.add(new PoolMember(m.name(), m.address(), m.port(), m.draining() ? PoolMember.State.DRAINING : PoolMember.State.DOWN, 0, 0));
            }
        }
        return new LoadBalancer(config.cluster(), "haproxy:" + config.address() + ":" + config.port(), config.address(), config.port(), running, members);
    }

    /**
     * A member's state from {@code show servers state}: drained (admin flags 0x08/0x10, or weight 0 as a restart from the
     * file leaves it), else up when its operational state is running, else down.
     */
    private static PoolMember.State state(String[] row, HaproxyConfig.Member member) {
        if (row == null || row.length < 8) {
            return member.draining() ? PoolMember.State.DRAINING : PoolMember.State.DOWN;
        }
        int op = (int) parse(row[5]);
        int admin = (int) parse(row[6]);
        long weight = parse(row[7]);
        if ((admin & 0x18) != 0 || weight == 0 || member.draining()) {
            return PoolMember.State.DRAINING;
        }
        if ((admin & 0x67) != 0) {
            return PoolMember.State.DOWN; // in maintenance: being removed
        }
        return op == 2 ? PoolMember.State.READY : PoolMember.State.DOWN;
    }

    /** Rows of {@code show servers state} by server name, or of {@code show stat} by "proxy,server". */
    private static Map<String, String[]> rows(String text, String separator) {
        Map<String, String[]> rows = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(separator, -1);
            if (separator.equals(",") && f.length > 8) {
                rows.put(f[0] + "," + f[1], f);
            } else if (!separator.equals(",") && f.length > 8) {
                rows.put(f[3], f);
            }
        }
        return rows;
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void awaitServing(Path dir, HaproxyConfig config) throws ProviderException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HaproxyAdmin admin = admin(dir);
        while (!admin.answers()) {
            if (System.nanoTime() - deadline > 0) {
                throw new ProviderException("the load balancer of cluster " + config.cluster() + " (HAProxy on " + config.address() + ":" + config.port()
                        + ") did not start within " + START_TIMEOUT.toSeconds() + " s: " + tail(dir.resolve("logs").resolve(UNIT + ".log"))
                        + " (is port " + config.port() + " in use by another program? is haproxy installed?)", true, null);
            }
            Thread.sleep(20);
        }
    }

    private void writeUnit(Path dir) throws IOException, ProviderException {
        Path units = dir.resolve("root").resolve("etc/systemd/system");
        Files.createDirectories(units);
        String unit = """
                [Unit]
                Description=HAProxy in front of a Drover cluster
                [Service]
                ExecStart=%s -db -f %s
                Restart=always
                RestartSec=100ms
                """.formatted(haproxy(), dir.resolve(HaproxyConfig.HAPROXY_CFG));
        Files.writeString(units.resolve(UNIT), unit, StandardCharsets.UTF_8);
    }

    /** The haproxy binary: on the PATH, else Debian's {@code /usr/sbin/haproxy}. */
    private String haproxy() throws ProviderException {
        String path = environment.getOrDefault("PATH", Supervisor.DEFAULT_PATH) + ":/usr/sbin:/usr/local/sbin";
        for (String d : path.split(":")) {
            if (!d.isBlank() && Files.isExecutable(Path.of(d, "haproxy"))) {
                return Path.of(d, "haproxy").toString();
            }
        }
        throw new ProviderException("the local provider runs load balancers with HAProxy, which is not installed: install it "
                + "(apt-get install haproxy) or remove 'loadBalancer:' from the cluster");
    }

    private HaproxyConfig update(Path dir, java.util.function.UnaryOperator<HaproxyConfig> change) throws ProviderException {
        try {
            HaproxyConfig next = change.apply(HaproxyConfig.read(dir));
            next.write(dir);
            return next;
        } catch (IOException e) {
            throw new ProviderException("cannot update the load balancer in " + dir + ": " + FileErrors.describe(e), true, e);
        }
    }

    private HaproxyConfig read(Path dir) throws ProviderException {
        try {
            return HaproxyConfig.read(dir);
        } catch (IOException e) {
            throw new ProviderException("cannot read the load balancer in " + dir + ": " + FileErrors.describe(e), true, e);
        }
    }

    private Path existing(String cluster) throws ProviderException {
        Path dir = directory(cluster);
        if (!Files.exists(dir.resolve(HaproxyConfig.FILE))) {
            throw new ProviderException("cluster " + cluster + " has no load balancer (ensure it first)");
        }
        return dir;
    }

    private static HaproxyAdmin admin(Path dir) {
        return new HaproxyAdmin(dir.resolve(HaproxyConfig.SOCKET));
    }

    private static void expectOk(HaproxyAdmin admin, String command) throws ProviderException {
        String answer = admin.command(command);
        if (!answer.isEmpty() && !answer.startsWith("New server") && !answer.contains("Health checks are already")) {
            throw new ProviderException("HAProxy answered '" + answer + "' to '" + command + "'", true, null);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
