package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.config.Herd;
import io.drover.config.HerdLoader;
import io.drover.engine.Engine;
import io.drover.heal.HealMetrics;
import io.drover.heal.HealOptions;
import io.drover.heal.HealPass;
import io.drover.heal.Reconciler;
import io.drover.provider.openstack.FaultProxy;
import io.drover.providers.ProviderCatalog;
import io.drover.state.FileStateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drover heal} keeps a healthy herd on a real OpenStack within a request budget: every request goes through a
 * {@link FaultProxy} (injecting nothing) that counts it. A pass lists the servers at most once (the plan reuses the
 * pass's listing), Glance is asked for the image once, not every pass, and the heal loop at its default interval
 * (health checks four times a second) asks the cloud about once a second.
 */
@EnabledIfEnvironmentVariable(named = "OS_CLOUD", matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenStackHealBudgetTest {
    private static final Pattern SERVER_LIST = Pattern.compile("GET /[^ ]*servers/detail.*");
    private static final Pattern IMAGE_LOOKUP = Pattern.compile("GET /[^ ]*v2/images.*");

    @TempDir
    static Path dir;

    private OpenStackHerd herd;
    private FaultProxy proxy;
    private Map<String, String> environment;

    @BeforeAll
    void applyTwoServersBehindACountingProxy() throws Exception {
        herd = OpenStackHerd.in(dir, "osbudget");
        herd.writePlain(2, false, "v1");
        Cli.Result r = Cli.run("apply", "--auto-approve", "-f", herd.file.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();

        proxy = FaultProxy.start(OpenStackHerd.upstreams(), FaultProxy.Plan.none());
        // Only the OS_* variables, so that the CLI's heal reaches the cloud through the proxy.
        environment = OpenStackHerd.environmentThrough(proxy);
    }

    @AfterAll
    void destroy() {
        try {
            if (proxy != null) {
                proxy.close();
            }
            Cli.run("destroy", "--auto-approve", "-f", herd.file.toString());
        } finally {
            herd.close();
        }
    }

    private Reconciler reconciler(HealMetrics metrics) throws Exception {
        ProviderCatalog catalog = ProviderCatalog.fromClassPath();
        Herd loaded = new HerdLoader(catalog.all()).load(herd.file);
        return new Reconciler(loaded, catalog.all(), new FileStateStore(Engine.workDir(loaded)), environment, HealOptions.DEFAULT,
                metrics, e -> {}, Clock.systemUTC());
    }

    private static long count(List<String> requests, Pattern pattern) {
        return requests.stream().filter(r -> pattern.matcher(r).matches()).count();
    }

    @Test
    void eachPassListsTheServersAtMostOnceAndTheImageIsResolvedOnce() throws Exception {
        int before = proxy.requestLog().size();
        int passes = 6;
        try (Reconciler reconciler = reconciler(new HealMetrics())) {
            for (int i = 0; i < passes; i++) {
                HealPass pass = reconciler.pass();
                assertThat(pass.acted()).as("a healthy herd: nothing to do").isEmpty();
                assertThat(pass.unhealthy()).isEmpty();
            }
        }
        List<String> requests = proxy.requestLog().subList(before, proxy.requestLog().size());

        assertThat(count(requests, SERVER_LIST)).as("server lists in %d passes: %s", passes, requests).isBetween(1L, (long) passes);
        assertThat(count(requests, IMAGE_LOOKUP)).as("image look-ups: %s", requests).isEqualTo(1);
        System.out.printf("heal budget: %d back-to-back passes made %d requests (%d server lists): %s%n", passes, requests.size(),
                count(requests, SERVER_LIST), requests);
    }

    @Test
    void theHealLoopAtItsDefaultIntervalAsksTheCloudAboutOnceASecond() throws Exception {
        HealMetrics metrics = new HealMetrics();
        try (Reconciler reconciler = reconciler(metrics)) {
            Thread loop = Thread.ofVirtual().start(() -> {
                try {
                    reconciler.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // Once the provider is open (its token taken, its image resolved): count from the first server list on.
            await().atMost(Duration.ofSeconds(60)).until(() -> count(proxy.requestLog(), SERVER_LIST) > 0);
            int from = proxy.requestLog().size();
            double passesFrom = passes(metrics);
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> System.nanoTime() - t0 >= Duration.ofSeconds(10).toNanos());
            List<String> requests = proxy.requestLog().subList(from, proxy.requestLog().size());
            double seconds = (System.nanoTime() - t0) / 1e9;
            double passCount = passes(metrics) - passesFrom;
            reconciler.stop();
            assertThat(reconciler.awaitStopped(Duration.ofSeconds(60))).isTrue();
            loop.join(Duration.ofSeconds(10));

            double rate = requests.size() / seconds;
            System.out.printf("heal budget: %.0f passes and %d requests (%d server lists) in %.1f s: %.2f requests/s%n",
                    passCount, requests.size(), count(requests, SERVER_LIST), seconds, rate);
            assertThat(rate).as("requests a second (%s)", requests).isLessThanOrEqualTo(1.2);
            assertThat(passCount).as("health is still checked every pass, more often than the cloud is asked").isGreaterThan(requests.size());
        }
    }

    private static double passes(HealMetrics metrics) {
        Matcher m = Pattern.compile("(?m)^drover_heal_passes_total\\S* ([0-9.eE+]+)$").matcher(metrics.scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
