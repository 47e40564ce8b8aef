package io.drover.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A directed acyclic graph of nodes; an edge {@code a -> b} means "a depends on b": b comes first.
 * Built once, then read; node order is insertion order so walks are deterministic.
 */
public final class Graph<T> {
    private final Map<T, Set<T>> dependencies = new LinkedHashMap<>();
    private final Map<T, Set<T>> dependents = new LinkedHashMap<>();

    public Graph<T> add(T node) {
        dependencies.computeIfAbsent(node, k -> new LinkedHashSet<>());
        dependents.computeIfAbsent(node, k -> new LinkedHashSet<>());
        return this;
    }

    /** {@code node} depends on {@code dependency}. */
    public Graph<T> connect(T node, T dependency) {
        add(node);
        add(dependency);
        dependencies.get(node).add(dependency);
        dependents.get(dependency).add(node);
        return this;
    }

    public Set<T> nodes() {
        return Collections.unmodifiableSet(dependencies.keySet());
    }

    public Set<T> dependenciesOf(T node) {
        return Collections.unmodifiableSet(dependencies.getOrDefault(node, Set.of()));
    }

    public Set<T> dependentsOf(T node) {
        return Collections.unmodifiableSet(dependents.getOrDefault(node, Set.of()));
    }

    public int size() {
        return dependencies.size();
    }

    /** A cycle, as the list of nodes along it (first == last), if there is one. */
    public Optional<List<T>> findCycle() {
        Map<T, Integer> color = new LinkedHashMap<>(); // absent white, 1 grey, 2 black
        for (T start : dependencies.keySet()) {
            if (color.containsKey(start)) {
                continue;
            }
            // Iterative DFS so a 10,000-node chain does not overflow the stack.
            Deque<T> path = new ArrayDeque<>();
            Deque<java.util.Iterator<T>> iterators = new ArrayDeque<>();
            path.push(start);
            iterators.push(dependencies.get(start).iterator());
            color.put(start, 1);
            while (!path.isEmpty()) {
                java.util.Iterator<T> it = iterators.peek();
                if (it.hasNext()) {
                    T next = it.next();
                    Integer c = color.get(next);
                    if (c == null) {
                        color.put(next, 1);
                        path.push(next);
                        iterators.push(dependencies.get(next).iterator());
                    } else if (c == 1) {
                        List<T> cycle = new ArrayList<>();
                        cycle.add(next);
                        for (T n : path) {
                            cycle.add(n);
                            if (n.equals(next)) {
                                break;
                            }
                        }
                        Collections.reverse(cycle);
                        return Optional.of(cycle);
                    }
                } else {
                    color.put(path.pop(), 2);
                    iterators.pop();
                }
            }
        }
        return Optional.empty();
    }

    /** Nodes with every dependency before its dependents (Kahn's algorithm, stable). */
    public List<T> topologicalOrder() {
        Map<T, Integer> remaining = new LinkedHashMap<>();
        Deque<T> ready = new ArrayDeque<>();
        for (Map.Entry<T, Set<T>> e : dependencies.entrySet()) {
            remaining.put(e.getKey(), e.getValue().size());
            if (e.getValue().isEmpty()) {
                ready.add(e.getKey());
            }
        }
        List<T> order = new ArrayList<>(dependencies.size());
        while (!ready.isEmpty()) {
            T node = ready.poll();
            order.add(node);
            for (T dependent : dependents.get(node)) {
                if (remaining.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (order.size() != dependencies.size()) {
            throw new IllegalStateException("dependency cycle: " + findCycle().orElse(List.of()));
        }
        return order;
    }

    /** The same nodes with every edge reversed (destroy order is the reverse of create order). */
    public Graph<T> reversed() {
        Graph<T> r = new Graph<>();
        dependencies.keySet().forEach(r::add);
        dependencies.forEach((node, deps) -> deps.forEach(d -> r.connect(d, node)));
        return r;
    }
}
