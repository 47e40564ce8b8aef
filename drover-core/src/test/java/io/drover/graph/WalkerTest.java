package io.drover.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WalkerTest {

    @Test
    void visitsDependenciesBeforeDependents() throws Exception {
        Graph<String> g = new Graph<String>().connect("app", "db").connect("db", "net").connect("app", "net");
        List<String> order = new CopyOnWriteArrayList<>();
        new Walker<String>(4).walk(g, order::add);
        assertThat(order).containsExactly("net", "db", "app");
    }

    @Test
    void runsIndependentNodesInParallelUpToTheLimit() throws Exception {
        Graph<Integer> g = new Graph<>();
        for (int i = 0; i < 6; i++) {
            g.add(i);
        }
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch threeInside = new CountDownLatch(3);
        new Walker<Integer>(3).walk(g, n -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            threeInside.countDown();
            threeInside.await(5, TimeUnit.SECONDS); // the first three meet here, proving they overlap
            running.decrementAndGet();
        });
        assertThat(peak.get()).isEqualTo(3);
    }

    @Test
    void failureSkipsDependentsButNotIndependentBranches() throws Exception {
        Graph<String> g = new Graph<String>().connect("b", "a").connect("c", "b").add("x");
        Map<String, Walker.Outcome> outcomes = new Walker<String>(2).walk(g, n -> {
            if (n.equals("a")) {
                throw new IllegalStateException("boom");
            }
        });
        assertThat(outcomes.get("a")).isInstanceOf(Walker.Failed.class);
        assertThat(outcomes.get("b")).isInstanceOf(Walker.Skipped.class);
        assertThat(outcomes.get("c")).isInstanceOf(Walker.Skipped.class);
        assertThat(outcomes.get("x")).isInstanceOf(Walker.Done.class);
    }

    @Test
    void anErrorInAVisitEndsTheWalkWithThatErrorAfterTheVisitsUnderWayStartingNothingNew() throws Exception {
        Graph<String> g = new Graph<String>().connect("after", "crash").add("alongside");
        CountDownLatch alongsideInside = new CountDownLatch(1);
        List<String> visited = new CopyOnWriteArrayList<>();
        AssertionError bug = new AssertionError("a bug");

        assertThatThrownBy(() -> new Walker<String>(2).walk(g, n -> {
            if (n.equals("crash")) {
                alongsideInside.await(5, TimeUnit.SECONDS);
                throw bug;
            }
            alongsideInside.countDown();
            visited.add(n);
        })).isSameAs(bug);
        assertThat(visited).containsExactly("alongside");
    }

    @Test
    void cycleIsFoundAndRefused() {
        Graph<String> g = new Graph<String>().connect("a", "b").connect("b", "c").connect("c", "a");
        assertThat(g.findCycle()).hasValueSatisfying(c -> assertThat(c).contains("a", "b", "c"));
        assertThatThrownBy(() -> new Walker<String>(1).walk(g, n -> {})).hasMessageContaining("cycle");
    }

    @Test
    void longChainNeedsNoDeepStack() {
        Graph<Integer> g = new Graph<>();
        for (int i = 1; i < 50_000; i++) {
            g.connect(i, i - 1);
        }
        assertThat(g.findCycle()).isEmpty();
        assertThat(g.topologicalOrder()).startsWith(0, 1, 2);
    }
}
