package io.drover.provider.local;

import io.drover.spi.Endpoint;
import io.drover.spi.FileErrors;
import io.drover.spi.Image;
import io.drover.spi.ImageSource;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Provider;
import io.drover.spi.ProviderException;
import io.drover.spi.Tags;
import io.drover.spi.UserData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Servers on this machine: each one a detached, supervised process group bound to its own loopback address, with
 * its own root directory under {@code ROOT/servers/NAME/}. Servers outlive the CLI, like VMs outlive Terraform.
 *
 * <p>Layout of a server directory: {@code creator.pid} (the process creating it, while it does), {@code server.json}
 * (identity), {@code user-data.ign} (its first-boot config), {@code root/} (its filesystem, the image plus the applied
 * config), {@code supervisor.properties} (the units to start), {@code supervisor.pid}, {@code logs/} (supervisor and
 * unit output); {@code reserved-address} (address and herd) when its address was reserved ahead.
 *
 * <p>Status, from those files: {@code RUNNING} while the supervisor lives; {@code BUILDING} while no supervisor has
 * started and the creating process still lives; {@code STOPPED} otherwise (the supervisor died, or the creator died
 * before it started one: nothing else would ever finish that create).
 *
 * <p>This class holds the provider's calls and what ties them together (reservations, create and adoption, destroy,
 * reboot); its other jobs are classes of their own: claiming a directory for one create ({@link CreateClaim}),
 * starting a supervisor ({@link SupervisorLaunch}), the reservation file ({@link ReservationFile}), listing
 * ({@link LocalListing}), images ({@link LocalImages}), addresses ({@link AddressAllocator}), first-boot files
 * ({@link IgnitionApplier}).
 */
public final class LocalProvider implements Provider {
    private static final String CREATOR = CreateClaim.CREATOR;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
    private static final List<String> SKELETON = List.of(
            "etc/systemd/system", "var/lib", "var/cache", "var/log", "var/tmp", "run", "root", "tmp");

    private final String herd;
    private final LocalSettings settings;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final LocalImages images;
    private final AddressAllocator allocator;
    private final SupervisorLaunch supervisors;
    private final LocalListing listing;
    private final LocalLoadBalancers loadBalancers;
    private final ReservationFile reservations;

    LocalProvider(String herd, LocalSettings settings, AddressAllocator.BoundSockets boundSockets) {
        this.herd = herd;
        this.settings = settings;
        this.reservations = new ReservationFile(herd);
        this.images = new LocalImages(settings.herdDir(), settings.root());
        this.allocator = new AddressAllocator(settings.addresses(), new LeaseDirectory(settings.leases()), boundSockets);
        this.supervisors = new SupervisorLaunch(settings);
        this.listing = new LocalListing(herd, settings.root().resolve("servers"), mapper);
        this.loadBalancers = new LocalLoadBalancers(settings.root(), herd, allocator,
                (name, dir) -> supervisors.start(name, dir, ImageRoot.NONE), settings.environment());
    }

    @Override
    public Image resolveImage(ImageSource source) throws ProviderException {
        return images.resolve(source);
    }

    /**
     * Leases the address of a server that is about to be created, so that its peers' configs can name it first
     * (a static etcd bootstrap). The server directory is made at once, holding only the reservation, so the lease
     * is not taken for stale; {@link #create} of the same name then boots on that address.
     */
    @Override
    public Optional<Endpoint> reserve(String cluster, String name, Map<String, String> tags) throws ProviderException {
        return reserve(cluster, name, tags, io.drover.spi.Placement.ANY);
    }

    /** {@link #reserve(String, String, Map)} on the placement's preferred address when it is free. */
    @Override
    public Optional<Endpoint> reserve(String cluster, String name, Map<String, String> tags, io.drover.spi.Placement placement)
            throws ProviderException {
        Path serverDir = serverDirectory(name);
        Optional<String> reserved = reservations.address(serverDir);
        if (reserved.isPresent()) {
            return Optional.of(new Endpoint(name, reserved.get()));
        }
        Optional<Instance> running = adoptOrClear(serverDir);
        if (running.isPresent()) {
            return Optional.of(new Endpoint(name, running.get().ip())); // a server keeps its address
        }
        try {
            Files.createDirectories(serverDir);
            String ip = allocator.allocate(serverDir, placement.preferredAddress());
            reservations.write(serverDir, ip);
            return Optional.of(new Endpoint(name, ip));
        } catch (IOException e) {
            throw new ProviderException("cannot reserve an address for " + name + " in " + serverDir + ": " + FileErrors.describe(e), e);
        }
    }

    @Override
    public void release(String name) throws ProviderException {
        Path serverDir = serverDirectory(name);
        if (reservations.ofThisHerd(serverDir) && !Files.exists(serverDir.resolve(ServerMetadata.FILE))) {
            destroy(name);
        }
    }

    /**
     * Gives back this herd's reservations that no recorded server used (a run interrupted during an etcd bootstrap),
     * and removes the remains of creates whose process died before it wrote {@code server.json}.
     */
    @Override
    public void sweep(Set<String> keep) throws ProviderException {
        CreateClaim.sweep(settings.root());
        Path servers = settings.root().resolve("servers");
        if (!Files.isDirectory(servers)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> list = Files.list(servers)) {
            dirs = list.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new ProviderException("cannot list servers in " + servers + ": " + FileErrors.describe(e), true, e);
        }
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            if (keep.contains(name) || Files.exists(dir.resolve(ServerMetadata.FILE))) {
                continue; // servers are the engine's to delete
            }
            boolean deadCreate = ReservationFile.owner(dir).isEmpty() && !CreateClaim.creatorAlive(dir);
            if (reservations.ofThisHerd(dir) || deadCreate) {
                destroy(name);
            }
        }
    }

    @Override
    public Instance create(LaunchRequest request) throws ProviderException {
        Path serverDir = serverDirectory(request.name());
        Optional<String> reserved = Files.exists(serverDir.resolve(ServerMetadata.FILE)) ? Optional.empty() : reservations.address(serverDir);
        if (reserved.isEmpty()) {
            Optional<Instance> existing = adoptOrClear(serverDir);
            if (existing.isPresent()) {
                return existing.get();
            }
            try {
                CreateClaim.newDirectory(settings.root(), serverDir, request.name());
            } catch (IOException e) {
                throw new ProviderException("cannot create server directory " + serverDir + ": " + FileErrors.describe(e)
                        + " (check the provider's 'root' setting)", e);
            }
        } else {
            try {
                CreateClaim.reservedDirectory(serverDir, request.name());
            } catch (IOException e) {
                throw new ProviderException("cannot claim server directory " + serverDir + ": " + FileErrors.describe(e), e);
            }
        }
        try {
            return build(request, serverDir, reserved);
        } catch (ProviderException | RuntimeException e) {
            removeQuietly(serverDir, e);
            throw e;
        } catch (IOException e) {
            removeQuietly(serverDir, e);
            throw new ProviderException("cannot set up server " + request.name() + " in " + serverDir + ": " + FileErrors.describe(e), e);
        }
    }

    private Instance build(LaunchRequest request, Path serverDir, Optional<String> reserved) throws ProviderException, IOException {
        // Claimed by create: while creator.pid names a live process, the server is BUILDING; once that process is
        // gone without a supervisor having started (a kill -9 of drover half-way), it is STOPPED.
        String ip = reserved.isPresent() ? reserved.get() : allocator.allocate(serverDir, request.placement().preferredAddress());
        Map<String, String> tags = new HashMap<>(request.tags());
        tags.put(Tags.HERD, herd);
        tags.putIfAbsent(Tags.CLUSTER, request.cluster());
        ServerMetadata metadata = new ServerMetadata(
                request.name(), request.name(), ip, request.cluster(), tags, request.image(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
        // First, so that list() finds (and destroy() cleans up) the server even if we crash half-way.
        metadata.write(mapper, serverDir);

        Path root = serverDir.resolve("root");
        Files.createDirectories(root);
        Files.createDirectories(serverDir.resolve("logs"));
        Optional<Path> baked = LocalImages.bakedRoot(request.image());
        ImageRoot imageRoot = ImageRoot.NONE;
        if (baked.isPresent()) {
            imageRoot = imageRoot(request.name(), request.image().reference(), baked.get(), serverDir);
            if (imageRoot.lower() == null) {
                LocalImages.copyTree(baked.get(), root);
            }
        } else {
            images.copyInto(request.image(), root);
        }
        for (String dir : SKELETON) {
            Files.createDirectories(root.resolve(dir));
        }
        UserData userData = request.userData().render(new Endpoint(request.name(), ip));
        if (!UserData.IGNITION.equals(userData.format())) {
            throw new ProviderException("server " + request.name() + ": the local provider boots Ignition v3 configs (format '"
                    + UserData.IGNITION + "'), but its first-boot config was rendered as '" + userData.format()
                    + "'; render the first-boot config as Ignition for local servers");
        }
        // User data may carry private keys (an etcd member's): readable by its owner only, as on a cloud's metadata service.
        Path saved = serverDir.resolve("user-data.ign");
        Files.write(saved, userData.content());
        Files.setPosixFilePermissions(saved, PosixFilePermissions.fromString("rw-------"));
        IgnitionApplier.Result applied;
        try {
            applied = new IgnitionApplier(mapper, root, imageRoot.chroot()).apply(userData.content());
        } catch (ProviderException e) {
            throw new ProviderException("server " + request.name() + ": " + e.getMessage(), e.retryable(), e);
        }
        FirstBootFiles.record(serverDir, root, applied.files());
        new SupervisorConfig(request.name(), ip, applied.enabledUnits(), imageRoot).write(serverDir.resolve(SupervisorConfig.NAME));
        supervisors.start(request.name(), serverDir, imageRoot);
        Files.deleteIfExists(serverDir.resolve(CREATOR)); // done: the supervisor's pid file tells its status from now on
        return metadata.toInstance(Instance.Status.RUNNING);
    }

    /**
     * An existing directory for this name is either our running server (adopted: created before a crash), a server
     * another live process is creating right now (refused, retryable), or the remains of a failed or killed create,
     * which are cleared.
     */
    private Optional<Instance> adoptOrClear(Path serverDir) throws ProviderException {
        if (!Files.exists(serverDir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            ServerMetadata metadata = ServerMetadata.read(mapper, serverDir);
            String owner = metadata.tags().get(Tags.HERD);
            if (!herd.equals(owner)) {
                throw new ProviderException("server directory " + serverDir + " belongs to herd '" + owner + "', not '" + herd
                        + "'; give the herds different 'root' settings or destroy the other herd");
            }
            if (LocalServers.isRunning(serverDir)) {
                return Optional.of(metadata.toInstance(Instance.Status.RUNNING));
            }
        } catch (IOException e) {
            // no or damaged server.json: remains of a create that died early, or one that has just begun
        }
        Optional<PidFile> creator = PidFile.read(serverDir.resolve(CREATOR)).filter(PidFile::alive);
        if (creator.isPresent()) {
            throw new ProviderException("server " + serverDir.getFileName() + " is being created by process " + creator.get().pid()
                    + " right now; run again once it is done", true, null);
        }
        destroy(serverDir.getFileName().toString());
        return Optional.empty();
    }

    /** HAProxy per cluster, run by a supervisor as a server's units are. */
    @Override
    public Optional<io.drover.spi.LoadBalancers> loadBalancers() {
        return Optional.of(loadBalancers);
    }

    /**
     * How a server runs its baked image: an overlay over the image when this machine can mount one (checked once),
     * else a copy of the image. Either way it takes root, for the mount namespace and chroot.
     */
    private ImageRoot imageRoot(String name, String image, Path rootfs, Path serverDir) throws ProviderException {
        if (!isRoot()) {
            throw new ProviderException("server " + name + " runs baked image '" + image + "': a server inside an image needs root"
                    + " (a mount namespace, an overlay mount and chroot); run drover as root, or use image: host");
        }
        if (!Files.isDirectory(rootfs)) {
            throw new ProviderException("baked image '" + image + "' has no root directory " + rootfs + ": bake it again (drover bake)");
        }
        synchronized (this) {
            if (overlay == null) {
                overlay = OverlayProbe.works(serverDir.getParent());
            }
        }
        return overlay ? ImageRoot.overlay(rootfs) : ImageRoot.copied();
    }

    private Boolean overlay; // guarded by this: can this machine mount an overlay under the servers' directory?

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    @Override
    public List<Instance> list() throws ProviderException {
        return listing.list();
    }

    @Override
    public void destroy(String instanceId) throws ProviderException {
        Path serverDir = serverDirectory(instanceId);
        try {
            Optional<PidFile> pid = PidFile.read(serverDir.resolve(PidFile.NAME));
            if (pid.isPresent()) {
                new ProcessGroup(pid.get().pid(), pid.get().started()).stop(STOP_TIMEOUT);
            }
            LocalFiles.deleteTree(serverDir);
        } catch (IOException e) {
            throw new ProviderException("cannot remove server " + instanceId + " (" + serverDir + "): " + FileErrors.describe(e), true, e);
        } catch (InterruptedException e) {
            throw ProviderException.interrupted("destroying server " + instanceId, e);
        }
        allocator.release(serverDir);
    }

    /**
     * Stops the server's supervisor and its units as a shutdown does (SIGTERM, then SIGKILL after a timeout) and starts
     * a new supervisor on the same directory, which starts the units again; nothing is rendered or copied again. While
     * it reboots the server is BUILDING, never STOPPED, so that no other run takes it for dead.
     */
    @Override
    public boolean reboot(String instanceId) throws ProviderException {
        Path serverDir = serverDirectory(instanceId);
        Optional<PidFile> pid = PidFile.read(serverDir.resolve(PidFile.NAME)).filter(PidFile::alive);
        if (pid.isEmpty()) {
            throw new ProviderException("server " + instanceId + " is not running: only a running server can be rebooted");
        }
        try {
            SupervisorConfig config = SupervisorConfig.read(serverDir.resolve(SupervisorConfig.NAME));
            PidFile.current().write(serverDir.resolve(CREATOR));
            try {
                new ProcessGroup(pid.get().pid(), pid.get().started()).stop(STOP_TIMEOUT);
                Files.deleteIfExists(serverDir.resolve(PidFile.NAME));
                supervisors.start(instanceId, serverDir, config.image());
            } finally {
                Files.deleteIfExists(serverDir.resolve(CREATOR));
            }
        } catch (IOException e) {
            throw new ProviderException("cannot reboot server " + instanceId + " (" + serverDir + "): " + FileErrors.describe(e), true, e);
        } catch (InterruptedException e) {
            throw ProviderException.interrupted("rebooting server " + instanceId, e);
        }
        return true;
    }

    @Override
    public List<String> bootLog(String instanceId, int lines) {
        try {
            return ServiceLogs.tail(serverDirectory(instanceId), lines);
        } catch (ProviderException e) {
            return List.of(); // not a local server id: no log to read
        }
    }

    /** The directory of a server of this provider (it may not exist). */
    public Path serverDirectory(String instanceId) throws ProviderException {
        if (!NAME.matcher(instanceId).matches()) {
            throw new ProviderException("'" + instanceId + "' is not a local server id (letters, digits, '.', '_', '@' and '-')");
        }
        return settings.root().resolve("servers").resolve(instanceId);
    }

    /** The process group of a running server, for {@code kill -9 -PGID}; empty if it is not running. */
    public OptionalLong processGroup(String instanceId) throws ProviderException {
        return LocalServers.processGroup(serverDirectory(instanceId));
    }

    private void removeQuietly(Path serverDir, Exception cause) {
        try {
            destroy(serverDir.getFileName().toString());
        } catch (ProviderException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

}
