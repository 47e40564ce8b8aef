package io.drover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.spi.Capability;
import io.drover.spi.ClusterRequest;
import io.drover.spi.Endpoint;
import io.drover.spi.Image;
import io.drover.spi.ImageSource;
import io.drover.spi.Instance;
import io.drover.spi.LaunchRequest;
import io.drover.spi.Placement;
import io.drover.spi.Provider;
import io.drover.spi.ProviderContext;
import io.drover.spi.ProviderException;
import io.drover.spi.ProviderFactory;
import io.drover.spi.Tags;
import io.drover.spi.UserData;
import io.drover.spi.UserDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider contract: every promise the SPI ({@link Provider} and the records it trades in) makes, as tests. Each
 * provider runs it by extending this class and saying how to open it ({@link #factory()}, {@link #settings()}), what
 * image and first-boot config its servers boot ({@link #image()}, {@link #userData()}), and how to reach behind its back ({@link #killBehindTheProvidersBack}, {@link
 * #causeDrift}, {@link #assertNothingLeftOf}). What it can do is what its factory declares
 * ({@link ProviderFactory#capabilities()}): tests of a capability it does not declare are skipped with a reason.
 *
 * <p>Every test uses herds of its own, with names no other run uses, and destroys what they hold afterwards, so
 * the suite can run against a shared cloud.
 *
 * <p>The tests tagged {@value #SMOKE} are the smoke tier: a few cheap calls (an image resolved, one server created,
 * listed by a new session and destroyed) for a paid cloud, where the whole suite costs real money; run them alone with
 * {@code -Dgroups=smoke}. The whole suite is what makes a provider one Drover can use.
 *
 * <p>One class, over 400 lines, on purpose (like OpenTofu's {@code statemgr.TestFull}): a provider author extends one
 * class and gets every promise of {@link Provider} checked; each test is one promise, named after it.
 */
public abstract class ProviderContract {

    /** Where a create's process is killed, as by {@code kill -9}. */
    public enum KillPoint {
        /** While its user data is rendered: the provider has given the server its identity, the server has not booted. */
        WHILE_RENDERING,
        /** Once {@link Provider#create} returned, before the caller recorded the server anywhere. */
        AFTER_CREATE
    }

    /**
     * The first-boot config the suite's servers get, in the provider's format; {@code {{name}}} and {@code {{ip}}} in
     * {@code text} are replaced by the server's endpoint.
     */
    public record UserDataTemplate(String format, String text) {
        public UserData render(Endpoint endpoint) {
            return new UserData(format, text.replace("{{name}}", endpoint.name()).replace("{{ip}}", endpoint.ip())
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The JUnit tag of the smoke tier. */
    public static final String SMOKE = "smoke";
    protected static final String CLUSTER = "web";
    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    private Path tempDir;

    private final String herd = "contract-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final Map<String, Provider> firstSessions = new java.util.LinkedHashMap<>();
    private final List<Provider> sessions = new CopyOnWriteArrayList<>();
    /** A session of {@link #herd()}, opened for every test. */
    protected Provider provider;
    /** {@link #image()} as the provider resolved it. */
    protected Image image;

    // ---- what a provider supplies ------------------------------------------------------------------------------------

    /** The provider under test. */
    protected abstract ProviderFactory factory();

    /** Its {@code provider:} block, validated (defaults filled in), as {@link ProviderContext#settings()} holds it. */
    protected abstract Map<String, Object> settings();

    /** An image reference that resolves (a small one: servers of it are created often). */
    protected abstract String image();

    /** The first-boot config of the suite's servers: something trivial the provider boots. */
    protected abstract UserDataTemplate userData();

    /**
     * Makes a server stop running behind the provider's back (its processes killed, the cloud's host crashed): the
     * provider must then report it {@link Instance.Status#STOPPED} or {@link Instance.Status#ERROR}.
     */
    protected abstract void killBehindTheProvidersBack(Instance server) throws Exception;

    /** An id no server of this provider ever had (for destroy's idempotence). */
    protected abstract String unknownServerId();

    /** The cluster's {@code provider:} block (flavor, ...), validated. */
    protected Map<String, Object> clusterOptions() {
        return Map.of();
    }

    /** The environment sessions are opened with. */
    protected Map<String, String> environment() {
        return System.getenv();
    }

    /** Changes a running server so that the provider reports drift ({@link Capability#DRIFT}). */
    protected void causeDrift(Instance server) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " declares DRIFT but does not implement causeDrift");
    }

    /**
     * Something of a running server that changes with every boot and only then (a supervisor's process id, a boot
     * counter): {@link Capability#REBOOT} providers must supply it.
     */
    protected Object bootIdentity(Instance server) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " declares REBOOT but does not implement bootIdentity");
    }

    /**
     * Checks that nothing of the server or reservation {@code name} is left in the provider (ports, directories,
     * address leases): called after destroy, release and sweep. Every provider says what {@link Provider#list()} cannot
     * see: a leak is what no other test notices.
     */
    protected abstract void assertNothingLeftOf(String name) throws Exception;

    /**
     * A baked image this provider runs ({@link Capability#BAKED_IMAGES}), with files of the kind it needs; the default
     * is a tiny one with a root directory only. A provider whose baked images are costly to make in a test (a VM
     * cloud's disk) returns empty and tests them elsewhere.
     */
    protected Optional<ImageSource.Baked> bakedImage() throws Exception {
        Path rootfs = java.nio.file.Files.createDirectories(tempDir.resolve("baked").resolve("rootfs").resolve("etc"));
        java.nio.file.Files.writeString(rootfs.resolve("os-release"), "ID=contract\n");
        return Optional.of(new ImageSource.Baked("contract", "sha256:" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).repeat(4),
                Optional.of(rootfs.getParent()), Optional.empty()));
    }

    /**
     * How long a server whose creator died may still be reported {@link Instance.Status#BUILDING}: zero for a provider
     * that builds nothing without its creator; a cloud's build time for a cloud that finishes builds by itself.
     */
    protected Duration settleTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * Runs a create of {@code request} in a process of its own and kills that process with SIGKILL at {@code when},
     * as an operator's {@code kill -9} of drover would. The default runs a child JVM on this class path, which opens
     * the provider by its {@link ProviderFactory#type()} through the {@link java.util.ServiceLoader}; in-memory
     * providers override it.
     */
    protected void createAndKill(LaunchRequest request, KillPoint when) throws Exception {
        KilledCreate.run(factory().type(), context(herd), request, userData(), when, CREATE_TIMEOUT);
    }

    // ---- the harness ---------------------------------------------------------------------------------------------------

    /** A directory of this test's own. */
    protected final Path tempDir() {
        return tempDir;
    }

    /** The herd's work directory ({@code .drover/} next to its herd file). */
    protected final Path workDir() {
        return tempDir.resolve("herd").resolve(".drover");
    }

    /** The name of the herd of this test: unique per run. */
    protected final String herd() {
        return herd;
    }

    protected final ProviderContext context(String herdName) {
        return new ProviderContext(herdName, settings(), workDir(), environment());
    }

    /** A new session of a herd, as the next command would open (closed after the test). */
    protected final Provider open(String herdName) throws ProviderException {
        Provider session = factory().open(context(herdName));
        sessions.add(session);
        firstSessions.putIfAbsent(herdName, session);
        return session;
    }

    /** A server name of this herd (unique per run, so runs on a shared cloud do not meet). */
    protected final String name(String suffix) {
        return herd + "-" + suffix;
    }

    protected final Map<String, String> tags(String name) {
        return Map.of(Tags.CLUSTER, CLUSTER, Tags.RESOURCE, CLUSTER + "[" + name + "]", Tags.DIGEST, "sha256:" + "ab".repeat(32),
                Tags.IMAGE_DIGEST, image.digest());
    }

    protected final LaunchRequest request(String name, UserDataSource userData) {
        return new LaunchRequest(CLUSTER, name, image, clusterOptions(), tags(name), userData);
    }

    /** Renders {@link #userData()} and remembers every endpoint it was asked for. */
    protected final class Renders implements UserDataSource {
        private final List<Endpoint> seen = new CopyOnWriteArrayList<>();

        @Override
        public UserData render(Endpoint endpoint) {
            seen.add(endpoint);
            return userData().render(endpoint);
        }

        public List<Endpoint> seen() {
            return List.copyOf(seen);
        }
    }

    private boolean can(Capability capability) {
        return factory().capabilities().contains(capability);
    }

    private void assume(Capability capability) {
        assumeTrue(can(capability), () -> factory().type() + " does not declare " + capability);
    }

    private Optional<Instance> listed(Provider session, String name) throws ProviderException {
        return session.list().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    private List<Instance> allNamed(Provider session, String name) throws ProviderException {
        return session.list().stream().filter(i -> i.name().equals(name)).toList();
    }

    /**
     * The server of that name once it is no longer reported BUILDING (a cloud finishing a build on its own), waiting
     * at most {@link #settleTimeout()}; with a zero timeout, as listed right now.
     */
    private Optional<Instance> settled(Provider session, String name) throws ProviderException {
        Optional<Instance> now = listed(session, name);
        if (now.isEmpty() || now.get().status() != Instance.Status.BUILDING || settleTimeout().isZero()) {
            return now;
        }
        return await().atMost(settleTimeout()).pollInterval(Duration.ofMillis(200))
                .until(() -> listed(session, name), i -> i.isEmpty() || i.get().status() != Instance.Status.BUILDING);
    }

    /** Waits until a server killed behind the provider's back is no longer reported running. */
    private Instance awaitDead(Provider session, String name) {
        return await().atMost(settleTimeout().plusSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> listed(session, name).orElseThrow(), i -> i.status() != Instance.Status.RUNNING);
    }

    @BeforeEach
    protected final void openProvider() throws ProviderException {
        provider = open(herd);
        image = provider.resolveImage(image());
    }

    /** Destroys everything the test's herds hold (with each herd's first session: opening one costs a login). */
    @AfterEach
    protected final void destroyEverything() throws Exception {
        List<Exception> failures = new ArrayList<>();
        for (Provider cleaner : firstSessions.values()) {
            try {
                destroyAll(cleaner, cleaner.list());
                for (String cluster : cleaner.listClusters()) {
                    cleaner.destroyCluster(cluster);
                }
                cleaner.sweep(Set.of());
            } catch (Exception e) {
                failures.add(e);
            }
        }
        for (Provider session : sessions) {
            session.close();
        }
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void destroyAll(Provider session, List<Instance> servers) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(4, servers.size())))) {
            List<Future<?>> done = new ArrayList<>();
            for (Instance i : servers) {
                done.add(pool.submit(() -> {
                    session.destroy(i.id());
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    // ---- images ----------------------------------------------------------------------------------------------------------

    @Test
    @Tag(SMOKE)
    public void resolvesItsImageToAContentDigestThatStaysTheSame() throws ProviderException {
        assertThat(image.reference()).isEqualTo(image());
        assertThat(image.id()).isNotBlank();
        assertThat(image.digest()).startsWith("sha256:").hasSizeGreaterThan("sha256:".length());
        assertThat(provider.resolveImage(image())).isEqualTo(image);
    }

    @Test
    @Tag(SMOKE)
    public void anUnknownImageIsANonRetryableProviderError() {
        String missing = "drover-contract-no-such-image-" + UUID.randomUUID();

        assertThatThrownBy(() -> provider.resolveImage(missing))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).as("retryable").isFalse())
                .as("the message names the image").hasMessageContaining(missing);
    }

    @Test
    public void aBakedImageResolvesToItsOwnDigestAndToTheSameImageInTheNextSession() throws Exception {
        assume(Capability.BAKED_IMAGES);
        Optional<ImageSource.Baked> baked = bakedImage();
        assumeTrue(baked.isPresent(), () -> getClass().getSimpleName() + " tests its baked images elsewhere");

        Image resolved = provider.resolveImage(baked.get());

        assertThat(resolved.digest()).as("a baked image's digest is its bake's, never recomputed").isEqualTo(baked.get().digest());
        assertThat(resolved.source()).isEqualTo(baked.get());
        assertThat(resolved.reference()).isEqualTo(baked.get().name());
        assertThat(resolved.id()).isNotBlank();
        assertThat(open(herd).resolveImage(baked.get())).as("found again (by its digest), not uploaded anew").isEqualTo(resolved);
    }

    // ---- create, list ------------------------------------------------------------------------------------------------------

    @Test
    @Tag(SMOKE)
    public void createdServerRunsWithItsTagsOnTheAddressItsUserDataWasRenderedFor() throws ProviderException {
        String name = name("a");
        Renders renders = new Renders();
        Instant before = Instant.now();

        Instance created = provider.create(request(name, renders));

        assertThat(created.status()).isEqualTo(Instance.Status.RUNNING);
        assertThat(created.name()).isEqualTo(name);
        assertThat(created.id()).isNotBlank();
        assertThat(created.ip()).isNotBlank();
        assertThat(renders.seen()).as("user data is rendered exactly once, for the server's own endpoint")
                .containsExactly(new Endpoint(name, created.ip()));
        assertThat(created.tags()).containsAllEntriesOf(tags(name)).containsEntry(Tags.HERD, herd).containsEntry(Tags.CLUSTER, CLUSTER);
        assertThat(created.createdAt()).isNotNull()
                .isBetween(before.minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(created.drifted()).isEmpty();
    }

    @Test
    @Tag(SMOKE)
    public void aNewSessionListsTheServerAsItWasCreated() throws ProviderException {
        Instance created = provider.create(request(name("a"), new Renders()));

        List<Instance> listed = open(herd).list();

        assertThat(listed).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo(created.id());
            assertThat(i.name()).isEqualTo(created.name());
            assertThat(i.ip()).isEqualTo(created.ip());
            assertThat(i.accessAddress()).isEqualTo(created.accessAddress()); // what outputs give clients stays
            assertThat(i.status()).isEqualTo(Instance.Status.RUNNING);
            assertThat(i.tags()).isEqualTo(created.tags());
            assertThat(i.createdAt()).isEqualTo(created.createdAt());
            assertThat(i.drifted()).isEmpty();
        });
    }

    @Test
    public void createOfARunningServersNameAdoptsItWithoutRenderingAgain() throws ProviderException {
        String name = name("a");
        Instance first = provider.create(request(name, new Renders()));
        Renders again = new Renders();

        Instance adopted = open(herd).create(request(name, again)); // a run that never learnt of the first one's result

        assertThat(adopted.id()).isEqualTo(first.id());
        assertThat(adopted.ip()).isEqualTo(first.ip());
        assertThat(adopted.status()).isEqualTo(Instance.Status.RUNNING);
        assertThat(again.seen()).as("an adopted server's user data is not rendered again").isEmpty();
        assertThat(allNamed(provider, name)).hasSize(1);
    }

    @Test
    public void createOfANameWhoseServerDiedBuildsOneRunningServer() throws Exception {
        String name = name("a");
        Instance first = provider.create(request(name, new Renders()));
        killBehindTheProvidersBack(first);
        awaitDead(provider, name);
        Renders again = new Renders();

        Instance second = provider.create(request(name, again));

        assertThat(second.status()).as("create returns a running server or fails").isEqualTo(Instance.Status.RUNNING);
        assertThat(again.seen()).as("a new server's user data is rendered once").hasSize(1);
        assertThat(allNamed(provider, name)).singleElement()
                .satisfies(i -> assertThat(i.status()).isEqualTo(Instance.Status.RUNNING));
    }

    @Test
    public void listShowsOnlyThisHerdsServersAndClusters() throws Exception {
        String otherHerd = herd + "-other";
        Provider other = open(otherHerd);
        provider.ensureCluster(new ClusterRequest(CLUSTER, false, List.of(2379), clusterOptions(), Map.of(Tags.HERD, herd, Tags.CLUSTER, CLUSTER)));
        // A herd whose name starts with mine, with a cluster whose resources' names could pass for one of mine.
        other.ensureCluster(new ClusterRequest(CLUSTER, true, List.of(2379), clusterOptions(), Map.of(Tags.HERD, otherHerd, Tags.CLUSTER, CLUSTER)));
        Instance mine = provider.create(request(name("a"), new Renders()));
        Instance theirs = other.create(new LaunchRequest(CLUSTER, otherHerd + "-a", image, clusterOptions(), Map.of(Tags.CLUSTER, CLUSTER), new Renders()));
        Optional<Endpoint> myReservation = provider.reserve(CLUSTER, name("r"), Map.of());

        assertThat(provider.list()).extracting(Instance::id).containsExactly(mine.id());
        assertThat(other.list()).extracting(Instance::id).containsExactly(theirs.id());
        assertThat(other.list()).allSatisfy(i -> assertThat(i.tag(Tags.HERD)).isEqualTo(otherHerd));
        if (can(Capability.CLUSTER_RESOURCES)) {
            assertThat(provider.listClusters()).containsExactly(CLUSTER);
            assertThat(other.listClusters()).containsExactly(CLUSTER);
        } else {
            assertThat(provider.listClusters()).isEmpty();
        }
        other.sweep(Set.of());
        if (myReservation.isPresent()) {
            assertThat(provider.reserve(CLUSTER, name("r"), Map.of())).as("another herd's sweep keeps my reservation").isEqualTo(myReservation);
        }
    }

    @Test
    public void createsOfDifferentNamesRunInParallel() throws Exception {
        int count = 3;
        List<Renders> renders = new ArrayList<>();
        List<Instance> created = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(count)) {
            List<Future<Instance>> futures = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int n = 0; n < count; n++) {
                Renders r = new Renders();
                renders.add(r);
                LaunchRequest request = request(name("p" + n), r);
                futures.add(pool.submit(() -> {
                    start.await();
                    return provider.create(request);
                }));
            }
            start.countDown();
            for (Future<Instance> f : futures) {
                created.add(f.get(CREATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
        }

        assertThat(created).allSatisfy(i -> assertThat(i.status()).isEqualTo(Instance.Status.RUNNING));
        assertThat(created).extracting(Instance::id).doesNotHaveDuplicates();
        assertThat(created).extracting(Instance::ip).doesNotHaveDuplicates();
        for (int n = 0; n < count; n++) {
            assertThat(renders.get(n).seen()).containsExactly(new Endpoint(name("p" + n), created.get(n).ip()));
        }
        assertThat(provider.list()).extracting(Instance::id).containsExactlyInAnyOrderElementsOf(created.stream().map(Instance::id).toList());
    }

    @Test
    public void concurrentCreatesOfOneNameEndWithOneRunningServerAndEachEitherGetsItOrFailsRetryably() throws Exception {
        String name = name("a");
        Provider second = open(herd); // as another process would have: another session of the same herd
        List<Renders> renders = List.of(new Renders(), new Renders());
        List<Object> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Instance>> futures = new ArrayList<>();
            List<Provider> sessions = List.of(provider, second);
            for (int n = 0; n < 2; n++) {
                LaunchRequest request = request(name, renders.get(n));
                Provider session = sessions.get(n);
                futures.add(pool.submit(() -> {
                    start.await();
                    return session.create(request);
                }));
            }
            start.countDown();
            for (Future<Instance> f : futures) {
                try {
                    outcomes.add(f.get(CREATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add(e.getCause());
                }
            }
        }

        List<Instance> created = outcomes.stream().filter(Instance.class::isInstance).map(Instance.class::cast).toList();
        assertThat(outcomes).as("each create returns a running server or fails retryably").allSatisfy(o -> {
            if (o instanceof Instance i) {
                assertThat(i.status()).isEqualTo(Instance.Status.RUNNING);
            } else {
                assertThat(o).isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).as("retryable: " + e.getMessage()).isTrue());
            }
        });
        Optional<Instance> left = settled(provider, name);
        if (created.isEmpty()) {
            // Both lost the race; what one of them left is not taken for a running server, and a next create succeeds.
            left.ifPresent(i -> assertThat(i.status()).isNotEqualTo(Instance.Status.RUNNING));
            assertThat(provider.create(request(name, new Renders())).status()).isEqualTo(Instance.Status.RUNNING);
        } else {
            assertThat(created).extracting(Instance::id).as("both got the same server").containsOnly(created.get(0).id());
            assertThat(renders.stream().mapToInt(r -> r.seen().size()).sum()).as("its user data was rendered once").isEqualTo(1);
        }
        assertThat(allNamed(provider, name)).as("one server of that name").singleElement()
                .satisfies(i -> assertThat(i.status()).isEqualTo(Instance.Status.RUNNING));
    }

    @Test
    public void listingsAreFreshWhateverTheRefreshIntervalSays() throws Exception {
        Duration interval = provider.refreshInterval();
        assertThat(interval).as("heal notices a dead server within about this").isBetween(Duration.ZERO, Duration.ofMinutes(1));
        Provider observer = open(herd);
        assertThat(observer.list()).isEmpty();

        Instance created = provider.create(request(name("a"), new Renders()));

        assertThat(observer.list()).as("the interval is the engine's to apply: a provider never answers from a cache")
                .extracting(Instance::id).containsExactly(created.id());
        provider.destroy(created.id());
        assertThat(observer.list()).isEmpty();
    }

    // ---- destroy ------------------------------------------------------------------------------------------------------------

    @Test
    @Tag(SMOKE)
    public void destroyReturnsWhenTheServerIsGoneAndIsIdempotent() throws Exception {
        String name = name("a");
        Instance created = provider.create(request(name, new Renders()));

        provider.destroy(created.id());

        assertThat(provider.list()).as("gone when destroy returns").isEmpty();
        assertNothingLeftOf(name);
        provider.destroy(created.id()); // a second time: not an error
        provider.destroy(unknownServerId()); // never existed: not an error
    }

    @Test
    public void aServerThatDiesBehindTheProvidersBackIsNotReportedRunningAndCanBeDestroyed() throws Exception {
        String name = name("a");
        Instance created = provider.create(request(name, new Renders()));

        killBehindTheProvidersBack(created);

        Instance dead = awaitDead(provider, name);
        assertThat(dead.status()).isIn(Instance.Status.STOPPED, Instance.Status.ERROR);
        assertThat(dead.tags()).isEqualTo(created.tags());
        provider.destroy(dead.id());
        assertThat(provider.list()).isEmpty();
        assertNothingLeftOf(name);
    }

    @Test
    public void createFromAnImageTheCloudDoesNotHaveFailsTypedAndLeavesNothing() throws Exception {
        String name = name("a");
        Image missing = new Image("drover-contract-missing", UUID.randomUUID().toString(), "sha256:" + "00".repeat(32));

        assertThatThrownBy(() -> provider.create(new LaunchRequest(CLUSTER, name, missing, clusterOptions(), tags(name), new Renders())))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).as("retryable").isFalse());

        assertThat(provider.list()).isEmpty();
        assertNothingLeftOf(name);
    }

    // ---- drift ------------------------------------------------------------------------------------------------------------

    @Test
    public void driftIsReportedOnTheRunningServerWhoseTagsStayAsTheyWere() throws Exception {
        assume(Capability.DRIFT);
        String name = name("a");
        Instance created = provider.create(request(name, new Renders()));
        assertThat(listed(provider, name).orElseThrow().drifted()).isEmpty();

        causeDrift(created);

        Instance drifted = listed(provider, name).orElseThrow();
        assertThat(drifted.drifted()).isPresent();
        assertThat(drifted.status()).isEqualTo(Instance.Status.RUNNING);
        assertThat(drifted.tags()).as("drift is a field, never a rewritten tag").isEqualTo(created.tags());
        assertThat(drifted.id()).isEqualTo(created.id());
    }

    // ---- reboot ------------------------------------------------------------------------------------------------------------

    @Test
    public void aRebootedServerRunsAgainWithItsIdentityAndWithoutANewFirstBootConfig() throws Exception {
        assume(Capability.REBOOT);
        String name = name("a");
        Renders renders = new Renders();
        Instance created = provider.create(request(name, renders));
        Object firstBoot = bootIdentity(created);

        assertThat(provider.reboot(created.id())).isTrue();

        Instance after = listed(provider, name).orElseThrow();
        assertThat(after.status()).as("running when reboot returns").isEqualTo(Instance.Status.RUNNING);
        assertThat(after.id()).isEqualTo(created.id());
        assertThat(after.ip()).isEqualTo(created.ip());
        assertThat(after.tags()).isEqualTo(created.tags());
        assertThat(renders.seen()).as("user data rendered once, at create").hasSize(1);
        assertThat(bootIdentity(after)).as("booted again").isNotEqualTo(firstBoot);
        assertThat(provider.list()).extracting(Instance::id).containsExactly(created.id());
    }

    @Test
    public void rebootOfAServerThatIsNotRunningIsAnError() throws Exception {
        assume(Capability.REBOOT);
        Instance created = provider.create(request(name("a"), new Renders()));
        killBehindTheProvidersBack(created);
        Instance dead = awaitDead(provider, name("a"));

        assertThatThrownBy(() -> provider.reboot(dead.id())).isInstanceOf(ProviderException.class);
        assertThatThrownBy(() -> provider.reboot(unknownServerId())).isInstanceOf(ProviderException.class);
    }

    @Test
    public void aProviderThatCannotRebootSaysSoAndLeavesTheServerAlone() throws Exception {
        assumeTrue(!can(Capability.REBOOT), () -> factory().type() + " reboots servers");
        Instance created = provider.create(request(name("a"), new Renders()));

        assertThat(provider.reboot(created.id())).isFalse();

        Instance after = listed(provider, name("a")).orElseThrow();
        assertThat(after.status()).isEqualTo(Instance.Status.RUNNING);
        assertThat(after.id()).isEqualTo(created.id());
    }

    // ---- reservations ------------------------------------------------------------------------------------------------------

    @Test
    public void aProviderWithoutReservationsSaysSoAndIgnoresReleaseAndSweep() throws Exception {
        assumeTrue(!can(Capability.RESERVATIONS), () -> factory().type() + " reserves addresses");
        Instance server = provider.create(request(name("a"), new Renders()));

        assertThat(provider.reserve(CLUSTER, name("b"), Map.of())).isEmpty();
        provider.release(name("b"));
        provider.sweep(Set.of());

        assertThat(provider.list()).extracting(Instance::id).containsExactly(server.id());
    }

    @Test
    public void aReservedAddressIsTheOneTheServerIsCreatedWith() throws Exception {
        assume(Capability.RESERVATIONS);
        String name = name("a");
        Map<String, String> tags = Map.of(Tags.HERD, herd, Tags.CLUSTER, CLUSTER);
        Endpoint reserved = provider.reserve(CLUSTER, name, tags).orElseThrow();
        Endpoint other = provider.reserve(CLUSTER, name("b"), tags).orElseThrow();

        assertThat(reserved.name()).isEqualTo(name);
        assertThat(reserved.ip()).isNotEqualTo(other.ip());
        assertThat(provider.reserve(CLUSTER, name, tags)).as("reserving twice gives the same address").contains(reserved);
        assertThat(provider.list()).as("a reservation is not a server").isEmpty();

        Renders renders = new Renders();
        Instance server = provider.create(request(name, renders));

        assertThat(server.ip()).isEqualTo(reserved.ip());
        assertThat(renders.seen()).containsExactly(reserved);
        assertThat(provider.reserve(CLUSTER, name, tags)).as("a created server keeps its address").contains(reserved);
        provider.release(name);
        assertThat(listed(provider, name)).as("release never touches a server").hasValueSatisfying(i -> {
            assertThat(i.ip()).isEqualTo(reserved.ip());
            assertThat(i.status()).isEqualTo(Instance.Status.RUNNING);
        });
    }

    @Test
    public void releaseGivesBackAnUnusedReservationAndIsIdempotent() throws Exception {
        assume(Capability.RESERVATIONS);
        String name = name("a");
        provider.reserve(CLUSTER, name, Map.of()).orElseThrow();

        provider.release(name);
        provider.release(name);
        provider.release(name("never-reserved"));

        assertNothingLeftOf(name);
        assertThat(provider.reserve(CLUSTER, name, Map.of())).as("the name can be reserved again").isPresent();
    }

    @Test
    public void sweepRemovesUnusedReservationsExceptTheKeptOnesAndNeverAServer() throws Exception {
        assume(Capability.RESERVATIONS);
        Endpoint kept = provider.reserve(CLUSTER, name("kept"), Map.of()).orElseThrow();
        provider.reserve(CLUSTER, name("leftover"), Map.of()).orElseThrow();
        Instance server = provider.create(request(name("server"), new Renders()));

        provider.sweep(Set.of(name("kept")));

        assertNothingLeftOf(name("leftover"));
        assertThat(provider.reserve(CLUSTER, name("kept"), Map.of())).contains(kept);
        assertThat(provider.reserve(CLUSTER, name("server"), Map.of())).as("reserving a server's name gives its address")
                .contains(new Endpoint(name("server"), server.ip()));
        assertThat(provider.list()).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo(server.id());
            assertThat(i.status()).isEqualTo(Instance.Status.RUNNING);
        });
    }

    // ---- preferred addresses -----------------------------------------------------------------------------------------

    private LaunchRequest preferring(String name, Renders renders, String address) {
        LaunchRequest plain = request(name, renders);
        return new LaunchRequest(plain.cluster(), plain.name(), plain.image(), plain.options(), plain.tags(), plain.userData(),
                new Placement(0, 3, false, address));
    }

    @Test
    public void aServerCreatedPreferringTheAddressOfADestroyedOneGetsIt() throws Exception {
        assume(Capability.PREFERRED_ADDRESSES);
        Instance old = provider.create(request(name("old"), new Renders()));
        provider.create(request(name("between"), new Renders())); // so that "the next free address" is not the old one's
        provider.destroy(old.id());

        Renders renders = new Renders();
        Instance successor = provider.create(preferring(name("new"), renders, old.ip()));

        assertThat(successor.ip()).isEqualTo(old.ip());
        assertThat(renders.seen()).containsExactly(new Endpoint(name("new"), old.ip()));
    }

    @Test
    public void aReservationPreferringTheAddressOfADestroyedServerGetsIt() throws Exception {
        assume(Capability.PREFERRED_ADDRESSES);
        assume(Capability.RESERVATIONS);
        Instance old = provider.create(request(name("old"), new Renders()));
        provider.create(request(name("between"), new Renders()));
        provider.destroy(old.id());

        Endpoint reserved = provider.reserve(CLUSTER, name("new"), Map.of(), new Placement(0, 3, false, old.ip())).orElseThrow();
        Instance successor = provider.create(request(name("new"), new Renders()));

        assertThat(reserved.ip()).isEqualTo(old.ip());
        assertThat(successor.ip()).isEqualTo(old.ip());
    }

    @Test
    public void aPreferredAddressInUseGivesAnotherAddressNotAFailure() throws Exception {
        assume(Capability.PREFERRED_ADDRESSES);
        Instance holder = provider.create(request(name("holder"), new Renders()));

        Instance other = provider.create(preferring(name("other"), new Renders(), holder.ip()));

        assertThat(other.ip()).isNotEqualTo(holder.ip());
        assertThat(listed(provider, name("holder"))).hasValueSatisfying(i -> assertThat(i.ip()).isEqualTo(holder.ip()));
        if (can(Capability.RESERVATIONS)) {
            Endpoint reserved = provider.reserve(CLUSTER, name("third"), Map.of(), new Placement(0, 3, false, holder.ip())).orElseThrow();
            assertThat(reserved.ip()).isNotIn(holder.ip(), other.ip());
        }
    }

    // ---- interrupted creates -------------------------------------------------------------------------------------------

    @Test
    public void aCreateUnderWayIsListedAsBuildingOrNotAtAll() throws Exception {
        String name = name("a");
        CountDownLatch rendering = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        UserDataSource slow = endpoint -> {
            rendering.countDown();
            try {
                proceed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return userData().render(endpoint);
        };
        Provider observer = open(herd);
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<Instance> create = pool.submit(() -> provider.create(request(name, slow)));
            try {
                assertThat(rendering.await(CREATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the create renders user data").isTrue();

                Optional<Instance> underWay = listed(observer, name);

                underWay.ifPresent(i -> {
                    assertThat(i.status()).as("a create under way is building, not dead").isEqualTo(Instance.Status.BUILDING);
                    assertThat(i.tags()).containsAllEntriesOf(tags(name));
                });
            } finally {
                proceed.countDown();
            }
            assertThat(create.get(CREATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(Instance.Status.RUNNING);
        }
        assertThat(listed(observer, name)).hasValueSatisfying(i -> assertThat(i.status()).isEqualTo(Instance.Status.RUNNING));
    }

    @Test
    public void aCreateKilledWhileRenderingLeavesNoServerThatClaimsToBeBuildingOrRunning() throws Exception {
        String name = name("a");

        createAndKill(request(name, new Renders()), KillPoint.WHILE_RENDERING);
        Provider next = open(herd);

        Optional<Instance> left = settled(next, name);
        left.ifPresent(i -> {
            assertThat(i.status()).as("a server whose creator died before it booted").isIn(Instance.Status.STOPPED, Instance.Status.ERROR);
            assertThat(i.tags()).as("it carries its tags, so the next run finds it").containsAllEntriesOf(tags(name));
        });
        Renders renders = new Renders();
        Instance server = next.create(request(name, renders));
        assertThat(server.status()).isEqualTo(Instance.Status.RUNNING);
        assertThat(renders.seen()).containsExactly(new Endpoint(name, server.ip()));
        assertThat(allNamed(provider, name)).singleElement().satisfies(i -> assertThat(i.id()).isEqualTo(server.id()));
    }

    @Test
    public void aCreateKilledAfterTheServerExistedIsFoundWithItsTagsAndAdopted() throws Exception {
        String name = name("a");

        createAndKill(request(name, new Renders()), KillPoint.AFTER_CREATE);
        Provider next = open(herd);

        Instance found = settled(next, name).orElseThrow(() -> new AssertionError("the server of a killed run is not listed"));
        assertThat(found.status()).isEqualTo(Instance.Status.RUNNING);
        assertThat(found.tags()).containsAllEntriesOf(tags(name)).containsEntry(Tags.HERD, herd);
        Renders renders = new Renders();
        Instance adopted = next.create(request(name, renders));
        assertThat(adopted.id()).isEqualTo(found.id());
        assertThat(adopted.ip()).isEqualTo(found.ip());
        assertThat(renders.seen()).isEmpty();
        assertThat(allNamed(provider, name)).hasSize(1);
    }

    @Test
    public void destroyAndSweepRemoveWhatAKilledCreateLeft() throws Exception {
        String name = name("a");
        createAndKill(request(name, new Renders()), KillPoint.WHILE_RENDERING);
        Provider next = open(herd);

        for (Instance i : allNamed(next, name)) {
            next.destroy(i.id());
        }
        next.sweep(Set.of());

        assertThat(next.list()).isEmpty();
        assertNothingLeftOf(name);
    }

    // ---- cluster-wide resources ----------------------------------------------------------------------------------------

    @Test
    public void ensureAndDestroyClusterAreIdempotent() throws ProviderException {
        ClusterRequest request = new ClusterRequest(CLUSTER, false, List.of(2379, 2380), clusterOptions(),
                Map.of(Tags.HERD, herd, Tags.CLUSTER, CLUSTER));

        provider.ensureCluster(request);
        provider.ensureCluster(request);

        if (can(Capability.CLUSTER_RESOURCES)) {
            assertThat(provider.listClusters()).containsExactly(CLUSTER);
        } else {
            assertThat(provider.listClusters()).isEmpty();
        }
        provider.destroyCluster(CLUSTER);
        provider.destroyCluster(CLUSTER);
        provider.destroyCluster("never-made");
        assertThat(provider.listClusters()).isEmpty();
    }
}
