package io.drover.plan;

import io.drover.addr.ServerName;
import io.drover.addr.SlotAddress;
import io.drover.config.Herd;
import io.drover.config.Role;
import io.drover.health.Health;
import io.drover.plan.Change.Stage;
import io.drover.spi.Instance;
import io.drover.spi.Tags;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares desired (the herd file's cluster templates), recorded (the state) and real (what the provider lists,
 * what the servers and their clusters say) and proposes changes per slot. Pure: no I/O, so it is fast and testable;
 * 10,000 slots plan in well under a second.
 *
 * <p>Every server of a slot is a <em>candidate</em> to fill it: the recorded ones, and those reality has but the
 * state does not (a run died between "server exists" and "state saved"). A candidate is <em>sound</em> when it runs
 * and nothing says it does not serve: a recorded server is trusted unless its cluster does not count it; a server
 * that was never seen healthy (tainted, or found unrecorded) must be healthy now, and a member of its cluster. The
 * best sound candidate keeps the slot; every other candidate goes first, so a slot never ends up with two servers,
 * and a server that never worked never takes the place of one that does.
 *
 * <p>A server a killed run created that does not answer <em>yet</em> is not dead: within its start timeout (counted
 * from its creation) it is <em>starting</em>, and the plan waits for it ({@link Action#AWAIT}) instead of replacing it,
 * so the run after a crash never destroys a member that a quorum may still need. Only where waiting can succeed: in an
 * etcd cluster that has a trusted member, or whose starting members are a majority (a first bootstrap killed after
 * its servers were created); a minority of a cluster that never formed can never elect a leader, and is started afresh.
 */
public final class Planner {
    private final Instant now;

    /** @param now the time of the plan: servers created less than their start timeout before it are still starting */
    public Planner(Instant now) {
        this.now = now;
    }

    /**
     * Knobs of one planning run.
     *
     * @param heal plan for {@code drover heal}: replace what is dead, drifted or unhealthy, but never create slots that
     *     have no recorded server, never roll a changed config (that is apply's job), never delete whole clusters
     * @param unhealthy servers heal found failing their health checks: they are replaced
     */
    public record Options(boolean destroy, boolean heal, Set<String> unhealthy) {
        public static final Options APPLY = new Options(false, false, Set.of());
        public static final Options DESTROY = new Options(true, false, Set.of());

        public Options {
            unhealthy = Set.copyOf(unhealthy);
        }

        public static Options heal(Set<String> unhealthy) {
            return new Options(false, true, unhealthy);
        }

        public Options withUnhealthy(Set<String> servers) {
            return new Options(destroy, heal, servers);
        }
    }

    public Plan plan(Herd herd, Map<String, ClusterTemplate> templates, State state, List<Instance> reality, Options options) {
        return plan(herd, templates, state, Reality.of(reality), options);
    }

    public Plan plan(Herd herd, Map<String, ClusterTemplate> templates, State state, Reality reality, Options options) {
        String firstProvider = herd.provider().name();
        Map<String, Instance> byId = new HashMap<>();
        for (Instance i : reality.instances()) {
            byId.put(i.id(), i);
        }
        Map<SlotAddress, List<Candidate>> slots = new TreeMap<>();
        Set<String> tracked = new HashSet<>();
        for (ServerRecord r : state.servers()) {
            tracked.add(r.instanceId());
            Candidate c = candidate(r.provider() == null ? r.onProvider(firstProvider) : r, byId.get(r.instanceId()), true, reality, templates, now);
            slots.computeIfAbsent(address(r), k -> new ArrayList<>()).add(c);
        }
        for (Instance i : reality.instances()) {
            if (!tracked.contains(i.id())) {
                ServerRecord found = recordOf(i).onProvider(reality.providerOf().getOrDefault(i.id(), firstProvider));
                slots.computeIfAbsent(address(found), k -> new ArrayList<>()).add(candidate(found, i, false, reality, templates, now));
            }
        }
        if (!options.destroy()) {
            for (ClusterTemplate t : templates.values()) {
                for (int slot = 0; slot < t.cluster().size() + t.cluster().spares(); slot++) {
                    slots.computeIfAbsent(new SlotAddress(t.name(), slot), k -> new ArrayList<>());
                }
            }
        }
        Set<String> waiting = options.destroy() ? Set.of() : worthWaitingFor(slots, templates);
        Set<String> freshStart = options.destroy() ? Set.of() : neverFormed(slots, templates, reality, waiting);
        State prior = state;
        Set<String> unsound = new HashSet<>();
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<SlotAddress, List<Candidate>> e : slots.entrySet()) {
            SlotAddress address = e.getKey();
            for (Candidate c : e.getValue()) {
                if (!c.sound) {
                    unsound.add(c.record.name());
                } else if (!c.recorded || c.record.tainted()) {
                    prior = prior.with(c.record.tainted(false)); // found running and healthy: it counts from now on
                }
            }
            ClusterTemplate template = options.destroy() ? null : templates.get(address.cluster());
            if (freshStart.contains(address.cluster())) {
                changes.addAll(startAfresh(address, template, e.getValue()));
            } else {
                changes.addAll(decide(address, template, e.getValue(), options, waiting.contains(address.cluster())));
            }
        }
        if (!options.destroy()) {
            changes = SparePlanning.arrange(changes, slots.entrySet().stream()
                    .flatMap(e -> e.getValue().stream().filter(c -> c.votingSpare).map(c -> c.record)).toList(), templates);
        }
        Set<String> removed = new LinkedHashSet<>();
        if (!options.heal()) {
            for (ServerRecord r : prior.servers()) {
                if (options.destroy() || !templates.containsKey(r.cluster())) {
                    removed.add(r.cluster());
                }
            }
        }
        // What changed is only explained here, after every decision: apply never reads it.
        return new Plan(herd.name(), prior, IdentityDiffs.explain(changes, state, templates), templates, List.copyOf(removed),
                options.destroy(), unsound);
    }

    private static Candidate candidate(ServerRecord r, Instance instance, boolean recorded, Reality reality, Map<String, ClusterTemplate> templates,
            Instant now) {
        boolean running = instance != null && (instance.status() == Instance.Status.RUNNING
                || (recorded && instance.status() == Instance.Status.BUILDING));
        Health health = instance == null ? null : reality.health().get(instance.id());
        Membership membership = reality.membership().get(r.cluster());
        Membership.Standing standing = membership == null ? null : membership.standing(r);
        ClusterTemplate template = templates.get(r.cluster());
        boolean spareSlot = template != null && template.cluster().isSpareSlot(r.slot());
        if (spareSlot && !recorded) {
            r = r.asSpare(true);
        }
        // A spare serves as a learner; a member must vote.
        boolean counted = standing == null || standing == (spareSlot ? Membership.Standing.LEARNER : Membership.Standing.VOTER);
        // A spare already voting: a promotion was cut off before it was recorded (the planner finishes it, see SparePlanning).
        boolean votingSpare = spareSlot && running && standing == Membership.Standing.VOTER;
        boolean trusted = recorded && !r.tainted();
        boolean sound = running && counted && (trusted || (health != null && health.isUp()));
        boolean drifted = running && instance.drifted().isPresent();
        // Known to its cluster as a learner or not at all, it is not merely slow: something went wrong while it joined.
        boolean mayVote = standing == null || standing == Membership.Standing.VOTER || (spareSlot && standing == Membership.Standing.LEARNER);
        boolean starting = recorded && r.tainted() && running && !sound && !drifted && mayVote && withinStartTimeout(r, templates, now);
        return new Candidate(r, instance, recorded, sound, drifted, standing, starting, votingSpare);
    }

    private static boolean withinStartTimeout(ServerRecord r, Map<String, ClusterTemplate> templates, Instant now) {
        ClusterTemplate t = templates.get(r.cluster());
        return t != null && r.createdAt() != null && now.isBefore(r.createdAt().plus(t.cluster().health().startTimeout()));
    }

    /**
     * Clusters whose starting servers are worth waiting for: any cluster without membership; an etcd cluster with a
     * trusted or sound member (the starting one joins it); or one whose starting members are a majority of its size,
     * enough to elect a leader among themselves.
     */
    private static Set<String> worthWaitingFor(Map<SlotAddress, List<Candidate>> slots, Map<String, ClusterTemplate> templates) {
        Map<String, Integer> startingSlots = new HashMap<>();
        Set<String> formed = new HashSet<>();
        slots.forEach((address, candidates) -> {
            if (candidates.stream().anyMatch(Candidate::starting)) {
                startingSlots.merge(address.cluster(), 1, Integer::sum);
            }
            if (candidates.stream().anyMatch(c -> c.sound || (c.recorded && !c.record.tainted()))) {
                formed.add(address.cluster());
            }
        });
        Set<String> waiting = new HashSet<>();
        for (ClusterTemplate t : templates.values()) {
            int starting = startingSlots.getOrDefault(t.name(), 0);
            if (starting > 0 && (t.cluster().role() != Role.ETCD || formed.contains(t.name()) || starting >= t.cluster().size() / 2 + 1)) {
                waiting.add(t.name());
            }
        }
        return waiting;
    }

    /**
     * Etcd clusters that never formed: nothing in them serves, no member answers a member list, and every recorded
     * member is tainted (none was ever healthy, so none holds acknowledged data). They are started afresh, all members at once, instead of having
     * new members join a cluster that does not exist.
     */
    private static Set<String> neverFormed(Map<SlotAddress, List<Candidate>> slots, Map<String, ClusterTemplate> templates, Reality reality,
            Set<String> waiting) {
        Map<String, Boolean> formed = new HashMap<>();
        Map<String, Boolean> anyRecorded = new HashMap<>();
        slots.forEach((address, candidates) -> {
            for (Candidate c : candidates) {
                if (c.sound || (c.recorded && !c.record.tainted())) {
                    formed.put(address.cluster(), true);
                }
                if (c.recorded) {
                    anyRecorded.put(address.cluster(), true);
                }
            }
        });
        Set<String> fresh = new HashSet<>();
        for (ClusterTemplate t : templates.values()) {
            // A member list answered means a cluster exists, whatever the health checks said: never start afresh then.
            // Nor while its members are still starting: they may be forming it right now.
            if (t.cluster().role() == Role.ETCD && anyRecorded.getOrDefault(t.name(), false) && !formed.getOrDefault(t.name(), false)
                    && !reality.membership().containsKey(t.name()) && !waiting.contains(t.name())) {
                fresh.add(t.name());
            }
        }
        return fresh;
    }

    private static List<Change> startAfresh(SlotAddress address, ClusterTemplate template, List<Candidate> candidates) {
        List<Change> changes = new ArrayList<>();
        for (Candidate c : candidates) {
            changes.add(new Change(Action.DELETE, address, Reason.NEVER_FORMED, c.record, false, false, Stage.CLEANUP, null));
        }
        if (template != null && address.slot() < template.cluster().size()) {
            changes.add(Change.create(address, template.digest()));
        }
        return changes;
    }

    private static List<Change> decide(SlotAddress address, ClusterTemplate template, List<Candidate> candidates, Options options,
            boolean waitForStarting) {
        List<Change> changes = new ArrayList<>();
        if (template == null || address.slot() >= template.cluster().size() + template.cluster().spares()) {
            if (options.heal()) {
                return changes; // shrinking is apply's decision
            }
            Reason why = options.destroy() ? Reason.DESTROY : template == null ? Reason.CLUSTER_REMOVED : Reason.SCALE_DOWN;
            boolean clusterLivesOn = template != null;
            for (Candidate c : candidates) {
                changes.add(new Change(Action.DELETE, address, why, c.record, false, clusterLivesOn, Stage.SHRINK, null));
            }
            return changes;
        }
        String desired = template.digest();
        // The one to keep: on the cluster's provider, then already of the desired digest, then recorded, then the
        // newest generation. (Written out: Comparator's composed comparators are lambdas the start-up cache does not keep.)
        Comparator<Candidate> keeping = (a, b) -> {
            int c = Boolean.compare(template.provider().equals(a.record.provider()), template.provider().equals(b.record.provider()));
            c = c != 0 ? c : Boolean.compare(desired.equals(a.record.digest()), desired.equals(b.record.digest()));
            c = c != 0 ? c : Boolean.compare(a.recorded, b.recorded);
            return c != 0 ? c : Integer.compare(a.record.generation(), b.record.generation());
        };
        Candidate best = candidates.stream().filter(c -> c.sound).max(keeping).orElse(null);
        // No server of the slot serves yet, but one is still starting: it keeps the slot, and apply waits for it.
        boolean awaiting = best == null && waitForStarting;
        if (awaiting) {
            best = candidates.stream().filter(Candidate::starting).max(keeping).orElse(null);
            awaiting = best != null;
        }
        Candidate replaced = best != null ? null : candidates.stream().filter(c -> c.recorded)
                .max((a, b) -> Integer.compare(a.record.generation(), b.record.generation())).orElse(null);
        for (Candidate c : candidates) {
            if (c != best && c != replaced) {
                changes.add(new Change(Action.DELETE, address, leftoverReason(c), c.record, false, true, Stage.CLEANUP, null));
            }
        }
        boolean etcd = template.cluster().role() == Role.ETCD;
        if (best != null) {
            if (awaiting) {
                changes.add(new Change(Action.AWAIT, address, Reason.STARTING, best.record, false, false, Stage.CLEANUP, best.record.digest()));
            }
            // Failed checks of a server that is still starting say nothing yet: it is given its start timeout.
            Reason why = whyReplace(best, template, awaiting ? options.withUnhealthy(Set.of()) : options);
            if (why == Reason.PROVIDER_CHANGED) {
                changes.add(new Change(Action.MIGRATE, address, why, best.record, true, true, Stage.ROLL, desired));
            } else if (why != null) {
                // An unhealthy etcd member (frozen, say) must leave before a new one can join: etcd refuses an add
                // while a voter is unreachable, and counting it would risk quorum.
                boolean createFirst = !(why == Reason.UNHEALTHY && etcd);
                changes.add(new Change(Action.REPLACE, address, why, best.record, createFirst, true, Stage.ROLL, desired));
            } else if (!best.recorded) {
                changes.add(new Change(Action.ADOPT, address, Reason.ADOPTED, best.record, false, false, Stage.ROLL, best.record.digest()));
            } else if (awaiting) {
                // the wait untaints it
            } else if (best.record.tainted()) {
                changes.add(new Change(Action.ADOPT, address, Reason.RECOVERED, best.record, false, false, Stage.ROLL, best.record.digest()));
            } else {
                changes.add(Change.keep(address, best.record));
            }
        } else if (replaced != null) {
            changes.add(new Change(Action.REPLACE, address, deadReason(replaced), replaced.record, false, true, Stage.ROLL, desired));
        } else if (!options.heal() || template.cluster().isSpareSlot(address.slot())) {
            // Heal never creates a slot nobody applied; a spare slot was applied with its cluster, and its spare may have
            // been promoted into a member's place.
            changes.add(Change.create(address, desired));
        }
        return template.cluster().isSpareSlot(address.slot()) ? SparePlanning.ofSpareSlot(changes, etcd) : changes;
    }

    private static Reason whyReplace(Candidate c, ClusterTemplate template, Options options) {
        ServerRecord r = c.record;
        if (c.drifted) {
            return Reason.DRIFT;
        }
        if (options.unhealthy().contains(r.name())) {
            return Reason.UNHEALTHY;
        }
        // Only apply moves a cluster: heal rebuilds a dead server where the cluster runs now, and leaves the rest.
        if (!template.provider().equals(r.provider()) && !options.heal()) {
            return Reason.PROVIDER_CHANGED;
        }
        if (!template.digest().equals(r.digest()) && !options.heal()) {
            return template.image().digest().equals(r.imageDigest()) ? Reason.CONFIG_CHANGED : Reason.IMAGE_CHANGED;
        }
        return null;
    }

    private static Reason deadReason(Candidate c) {
        if (c.instance == null) {
            return Reason.MISSING;
        }
        if (c.votingSpare) {
            return Reason.SPARE_IS_VOTING;
        }
        if (c.standing == Membership.Standing.PENDING || c.standing == Membership.Standing.LEARNER
                || c.standing == Membership.Standing.STRANGER) {
            return c.record.tainted() ? Reason.TAINTED : Reason.NOT_A_MEMBER;
        }
        if (c.record.tainted()) {
            return Reason.TAINTED;
        }
        return Reason.NOT_RUNNING;
    }

    private static Reason leftoverReason(Candidate c) {
        if (c.instance == null) {
            return Reason.MISSING;
        }
        if (!c.recorded && !c.sound) {
            return Reason.FAILED_CREATE;
        }
        return Reason.DUPLICATE;
    }

    private static SlotAddress address(ServerRecord r) {
        return new SlotAddress(r.cluster(), r.slot());
    }

    /** A server found in reality but not in the state: its record, rebuilt from the tags the engine gave it. */
    public static ServerRecord recordOf(Instance i) {
        SlotAddress address = SlotAddress.parse(i.tag(Tags.RESOURCE))
                .or(() -> ServerName.parse(i.name()).map(ServerName::slotAddress))
                .orElseGet(() -> new SlotAddress(String.valueOf(i.tag(Tags.CLUSTER)), Integer.MAX_VALUE));
        int generation = ServerName.parse(i.name()).map(ServerName::generation).orElse(0);
        return new ServerRecord(address.toString(), address.cluster(), address.slot(), generation, i.name(), i.id(), i.ip(),
                i.tag(Tags.DIGEST), i.tag(Tags.IMAGE_DIGEST), i.createdAt(), false, Map.of()).withAccessIp(i.accessIp());
    }

    /** @param starting recorded, never healthy, created within its start timeout, not ruled out by its cluster: may still come up */
    private record Candidate(ServerRecord record, Instance instance, boolean recorded, boolean sound, boolean drifted,
            Membership.Standing standing, boolean starting, boolean votingSpare) {}
}
