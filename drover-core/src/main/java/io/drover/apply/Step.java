package io.drover.apply;

import io.drover.plan.Action;
import io.drover.plan.Change;
import io.drover.plan.ClusterTemplate;
import java.util.List;

/** One node of the apply graph (built by {@link ApplyGraph}, run by {@link StepRunner}). */
sealed interface Step permits Step.ChangeStep, Step.OfCluster, Step.DestroyCluster, Step.DeleteLoadBalancer {
    String resource();

    Action action();

    String cluster();

    /** A step about a whole cluster of the herd file: it is named after the cluster. */
    sealed interface OfCluster extends Step permits Reserve, EnsureCluster, AwaitHealthy, Verify {
        ClusterTemplate template();

        @Override
        default String resource() {
            return template().name();
        }

        @Override
        default String cluster() {
            return template().name();
        }
    }

    /**
     * One change of the plan.
     *
     * @param reserve the reservation of a cluster created all at once that this change launches a member of, or null
     */
    record ChangeStep(Change change, Reserve reserve) implements Step {
        // One node per change of the plan, even of equal changes: a roll through the spare makes a spare in the same
        // slot once per member, and those are as many steps.
        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        public String resource() {
            return change.resource();
        }

        public Action action() {
            return change.action();
        }

        public String cluster() {
            return change.cluster();
        }
    }

    /**
     * Reserves every new member's endpoint up front, so each member's config can list all of them. A provider that
     * cannot reserve leaves the cluster to grow one member at a time.
     */
    record Reserve(ClusterTemplate template, List<Change> launches) implements OfCluster {
        public Reserve {
            launches = List.copyOf(launches);
        }

        public Action action() {
            return Action.CREATE;
        }
    }

    record EnsureCluster(ClusterTemplate template) implements OfCluster {
        public Action action() {
            return Action.CREATE;
        }
    }

    /** Removes a cluster's resources (server groups, security groups) from one provider. */
    record DestroyCluster(String cluster, String provider) implements Step {
        public String resource() {
            return cluster;
        }

        public Action action() {
            return Action.DELETE;
        }
    }

    /**
     * Deletes a cluster's load balancer from a provider it no longer lives on (it moved with its cluster, or its
     * {@code provider:} changed), after the cluster's other steps: its clients keep it until the new one serves.
     */
    record DeleteLoadBalancer(String cluster, String provider) implements Step {
        public String resource() {
            return cluster;
        }

        public Action action() {
            return Action.DELETE;
        }
    }

    /** Waits for every member of a cluster created all at once (whose launches do not wait one by one). */
    record AwaitHealthy(ClusterTemplate template, Reserve reserve) implements OfCluster {
        public Action action() {
            return Action.CREATE;
        }
    }

    /** The last step of a membership cluster's changes: the cluster's members are exactly the recorded servers. */
    record Verify(ClusterTemplate template) implements OfCluster {
        public Action action() {
            return Action.NO_OP;
        }
    }
}
