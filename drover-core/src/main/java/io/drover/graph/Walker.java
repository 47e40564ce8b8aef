package io.drover.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.BlockingQueue;

/**
 * Walks a graph in dependency order, running up to {@code parallelism} nodes at once. A node whose
 * dependency failed (or was skipped) is skipped; independent branches carry on, as Terraform does.
 */
public final class Walker<T> {

    /** The work done for one node. */
    @FunctionalInterface
    public interface Visitor<T> {
        void visit(T node) throws Exception;
    }

    /** How each node ended. */
    public sealed interface Outcome permits Done, Failed, Skipped {}

    public record Done() implements Outcome {}

    public record Failed(Exception error) implements Outcome {}

    public record Skipped() implements Outcome {}

    private final int parallelism;

    public Walker(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        this.parallelism = parallelism;
    }

    /** How one visit ended: an outcome, or an {@link Error} that ends the walk. */
    private record Finished<T>(T node, Outcome outcome, Error error) {}

    /**
     * Visits every node; returns each node's outcome in graph order. Interrupting the caller stops new work. An
     * {@link Error} thrown by a visit (a bug, memory exhausted) is not a node's failure: no new node is started, the
     * visits under way finish (each leaves what it did recorded), and the walk throws that error.
     */
    public Map<T, Outcome> walk(Graph<T> graph, Visitor<T> visitor) throws InterruptedException {
        graph.topologicalOrder(); // fails fast on a cycle
        Map<T, Integer> waiting = new LinkedHashMap<>();
        List<T> ready = new ArrayList<>();
        for (T node : graph.nodes()) {
            int n = graph.dependenciesOf(node).size();
            waiting.put(node, n);
            if (n == 0) {
                ready.add(node);
            }
        }
        Map<T, Outcome> outcomes = new LinkedHashMap<>();
        BlockingQueue<Finished<T>> finished = new LinkedBlockingQueue<>();
        Semaphore slots = new Semaphore(parallelism);
        int running = 0;
        Error crashed = null;
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("drover-step-", 0).factory())) {
            while (outcomes.size() < graph.size()) {
                while (crashed == null && !ready.isEmpty() && slots.tryAcquire()) {
                    T node = ready.remove(0);
                    running++;
                    pool.submit(() -> {
                        // Always reported, an Error included: a visit that vanished would leave this loop waiting forever.
                        Outcome outcome = null;
                        Error error = null;
                        try {
                            visitor.visit(node);
                            outcome = new Done();
                        } catch (Exception e) {
                            outcome = new Failed(e);
                        } catch (Error e) {
                            error = e;
                        } finally {
                            slots.release();
                            finished.add(new Finished<>(node, outcome, error));
                        }
                    });
                }
                if (running == 0 && (ready.isEmpty() || crashed != null)) {
                    break; // nothing left that can run
                }
                Finished<T> done = finished.take();
                running--;
                if (done.error() != null) {
                    if (crashed == null) {
                        crashed = done.error();
                    } else if (crashed != done.error()) {
                        crashed.addSuppressed(done.error());
                    }
                } else {
                    settle(graph, done.node(), done.outcome(), outcomes, waiting, ready);
                }
            }
        }
        if (crashed != null) {
            throw crashed;
        }
        return outcomes;
    }

    private void settle(Graph<T> graph, T node, Outcome outcome, Map<T, Outcome> outcomes, Map<T, Integer> waiting, List<T> ready) {
        List<T> settled = new ArrayList<>();
        outcomes.put(node, outcome);
        settled.add(node);
        while (!settled.isEmpty()) {
            T current = settled.remove(0);
            boolean ok = outcomes.get(current) instanceof Done;
            for (T dependent : graph.dependentsOf(current)) {
                if (outcomes.containsKey(dependent)) {
                    continue;
                }
                if (!ok) {
                    outcomes.put(dependent, new Skipped());
                    settled.add(dependent);
                } else if (waiting.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
    }
}
