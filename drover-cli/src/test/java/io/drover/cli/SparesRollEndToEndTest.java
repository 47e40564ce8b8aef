package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.state.FileStateStore;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import io.drover.testkit.EtcdWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real 3-member etcd herd with {@code spares: 1} on the local provider, a writer recording acknowledged writes, and
 * etcd's member list polled all along: a changed member flag rolls every member through the spare (a spare of the new
 * config made, promoted, the old member removed, the next spare made), and etcd never counts fewer than three voters,
 * nor more than one learner; no acknowledged write is lost; the next plan is empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparesRollEndToEndTest {
    private static final String ADDRESSES = "127.0.242.0/24";

    @TempDir
    static Path dir;

    private LocalEtcdHerd herd;

    @AfterAll
    void destroy() {
        if (herd != null) {
            herd.close();
        }
    }

    @Test
    void aChangedFlagRollsEveryMemberThroughTheSpareNeverBelowThreeVoters() throws Exception {
        herd = new LocalEtcdHerd(dir, "sparesroll", ADDRESSES);
        withSpare();
        Cli.Result first = herd.drover("apply", "--auto-approve", "--lock-timeout", "60s");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        HttpClient http = HttpClient.newBuilder().sslContext(herd.clientTls()).connectTimeout(Duration.ofMillis(300))
                .version(HttpClient.Version.HTTP_1_1).build();

        herd.write(120);
        withSpare();
        Cli.Result planned = herd.drover("plan", "--json");
        assertThat(planned.exitCode()).as(planned.toString()).isZero();
        List<String> actions = new ArrayList<>();
        Json.MAPPER.readTree(planned.out()).path("changes").forEach(c -> actions.add(c.path("resource").asString() + " " + c.path("action").asString()));
        assertThat(actions).containsExactly("etcd[3] replace", "etcd[0] promote", "etcd[3] create", "etcd[1] promote", "etcd[3] create",
                "etcd[2] promote", "etcd[3] create");

        AtomicInteger fewestVoters = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger mostLearners = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
        Cli.Result roll;
        long took;
        try (EtcdWriter writer = herd.writer().start("roll/")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> writer.acknowledged().size() > 20);
            poller.scheduleWithFixedDelay(() -> {
                List<Boolean> learners = learnerFlags(http);
                if (learners != null) {
                    fewestVoters.accumulateAndGet((int) learners.stream().filter(l -> !l).count(), Math::min);
                    mostLearners.accumulateAndGet((int) learners.stream().filter(l -> l).count(), Math::max);
                    polls.incrementAndGet();
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            roll = herd.drover("apply", "--auto-approve", "--lock-timeout", "60s");
            took = (System.nanoTime() - start) / 1_000_000;
            poller.shutdown();
            assertThat(poller.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(roll.exitCode()).as(roll.toString()).isZero();
            int before = writer.acknowledged().size();
            List<String> endpoints = state().cluster("etcd").stream().filter(r -> !r.spare()).map(r -> "https://" + r.ip() + ":2379").toList();
            writer.learn(endpoints);
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.acknowledged().size() > before + 20);
            LocalEtcdHerd.assertNoWriteLost(writer, "roll through the spare");
        } finally {
            poller.shutdownNow();
        }
        System.out.printf("roll of 3 members with spares: 1 took %d ms; %d member lists polled, fewest voters %d, most learners %d%n", took,
                polls.get(), fewestVoters.get(), mostLearners.get());

        assertThat(polls.get()).as("etcd's member list was polled during the roll").isGreaterThan(10);
        assertThat(fewestVoters.get()).as("voters, as etcd listed them").isGreaterThanOrEqualTo(3);
        assertThat(mostLearners.get()).as("etcd 3.4 takes one learner").isLessThanOrEqualTo(1);
        List<ServerRecord> recorded = state().cluster("etcd");
        assertThat(recorded).extracting(ServerRecord::resource, ServerRecord::spare).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("etcd[0]", false), org.assertj.core.groups.Tuple.tuple("etcd[1]", false),
                org.assertj.core.groups.Tuple.tuple("etcd[2]", false), org.assertj.core.groups.Tuple.tuple("etcd[3]", true));
        assertThat(recorded).extracting(ServerRecord::name).as("every server made in the spare slot")
                .allMatch(name -> name.startsWith("etcd-3-"));
        assertThat(recorded).extracting(ServerRecord::digest).containsOnly(Json.MAPPER.readTree(planned.out()).path("changes").path(0)
                .path("desiredDigest").asString());
        Cli.Result next = herd.drover("plan", "--detailed-exitcode");
        assertThat(next.exitCode()).as("the next plan is empty\n" + next).isZero();
    }

    private void withSpare() throws Exception {
        Files.writeString(herd.file, Files.readString(herd.file).replace("    role: etcd\n", "    role: etcd\n    spares: 1\n"));
    }

    /** Each member's learner flag, as the first recorded server that answers lists them; null if none answered. */
    private List<Boolean> learnerFlags(HttpClient http) {
        try {
            for (ServerRecord r : state().cluster("etcd")) {
                try {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("https://" + r.ip() + ":2379/v3/cluster/member/list"))
                            .timeout(Duration.ofMillis(500)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    JsonNode list = Json.MAPPER.readTree(answer.body()).path("members");
                    if (answer.statusCode() == 200 && !list.isMissingNode()) {
                        List<Boolean> learners = new ArrayList<>();
                        list.forEach(m -> learners.add(m.path("isLearner").asBoolean(false)));
                        return learners;
                    }
                } catch (java.io.IOException e) {
                    // this one is down or gone: ask the next
                }
            }
        } catch (Exception e) {
            // the state is being written: the next poll reads it
        }
        return null;
    }

    private State state() throws Exception {
        return new FileStateStore(dir.resolve(".drover")).read().orElseThrow();
    }
}
