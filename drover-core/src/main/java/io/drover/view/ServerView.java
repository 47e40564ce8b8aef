package io.drover.view;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One recorded server. What the state records is always there; the rest is {@code null} when the command did not
 * look at it: {@code providerStatus}, {@code health}, {@code drifted} (show asks no provider), {@code desiredDigest},
 * {@code outdated} (show resolves no images), {@code etcd} (etcd clusters, web view only), {@code lastEvent} (status).
 *
 * @param id the provider's id of the server
 * @param address the server's peer address (the one the herd's servers reach each other on)
 * @param accessAddress the address clients reach it on (a floating or public IP), only when it differs from {@code address}
 * @param providerStatus {@code running}, {@code building}, {@code stopped}, {@code error}, {@code gone}, {@code unknown}
 * @param outdated its identity differs from the one the herd file asks for now: the next apply replaces it
 * @param outdatedBecause why the planner replaces it, in words ({@code image changed}, ...)
 * @param outdatedReason the same as {@code plan --json}'s {@code reason} ({@code image_changed}, ...)
 * @param diff what changed since the apply that built it, as {@code plan --json}'s {@code diff}
 * @param spare {@code true} for a hot spare of its cluster (an etcd learner, a server outside the load balancer's pool);
 *     {@code null}, and left out of the document, for any other server (so documents without spares read as before)
 */
public record ServerView(
        String name, String resource, String cluster, int slot, int generation, String id, String address,
        @JsonInclude(JsonInclude.Include.NON_NULL) String accessAddress, String provider,
        String providerType, String providerStatus, HealthView health, String createdAt, Long ageSeconds, String digest,
        String desiredDigest, Boolean outdated, String outdatedBecause, String outdatedReason, DiffView diff, Boolean drifted,
        String driftedBecause, boolean tainted, EtcdMemberView etcd, EventView lastEvent,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean spare) {

    public static Builder builder() {
        return new Builder();
    }

    /** Filled in part by part: each command looks at different things. */
    public static final class Builder {
        private String name;
        private String resource;
        private String cluster;
        private int slot;
        private int generation;
        private String id;
        private String address;
        private String accessAddress;
        private String provider;
        private String providerType;
        private String providerStatus;
        private HealthView health;
        private String createdAt;
        private Long ageSeconds;
        private String digest;
        private String desiredDigest;
        private Boolean outdated;
        private String outdatedBecause;
        private String outdatedReason;
        private DiffView diff;
        private Boolean drifted;
        private String driftedBecause;
        private boolean tainted;
        private Boolean spare;
        private EtcdMemberView etcd;
        private EventView lastEvent;

        private Builder() {}

        public Builder recorded(String name, String resource, String cluster, int slot, int generation, String id, String address) {
            this.name = name;
            this.resource = resource;
            this.cluster = cluster;
            this.slot = slot;
            this.generation = generation;
            this.id = id;
            this.address = address;
            return this;
        }

        /** @param address where clients reach it, {@code null} when that is its peer address */
        public Builder accessAddress(String address) {
            this.accessAddress = address;
            return this;
        }

        public Builder provider(String newProvider, String type) {
            this.provider = newProvider;
            this.providerType = type;
            return this;
        }

        public Builder providerStatus(String status) {
            this.providerStatus = status;
            return this;
        }

        public Builder health(HealthView newHealth) {
            this.health = newHealth;
            return this;
        }

        public Builder created(String at, Long age) {
            this.createdAt = at;
            this.ageSeconds = age;
            return this;
        }

        public Builder digest(String newDigest) {
            this.digest = newDigest;
            return this;
        }

        public Builder desired(String newDesiredDigest, boolean isOutdated) {
            this.desiredDigest = newDesiredDigest;
            this.outdated = isOutdated;
            return this;
        }

        public Builder outdatedBecause(String text, String reason, DiffView newDiff) {
            this.outdatedBecause = text;
            this.outdatedReason = reason;
            this.diff = newDiff;
            return this;
        }

        /** @param because what the provider says differs, {@code null} when nothing does */
        public Builder drift(String because) {
            this.drifted = because != null;
            this.driftedBecause = because;
            return this;
        }

        public Builder spare(boolean isSpare) {
            this.spare = isSpare ? Boolean.TRUE : null;
            return this;
        }

        public Builder tainted(boolean isTainted) {
            this.tainted = isTainted;
            return this;
        }

        public Builder etcd(EtcdMemberView member) {
            this.etcd = member;
            return this;
        }

        public Builder lastEvent(EventView event) {
            this.lastEvent = event;
            return this;
        }

        public String name() {
            return name;
        }

        public ServerView build() {
            return new ServerView(name, resource, cluster, slot, generation, id, address, accessAddress, provider, providerType, providerStatus, health,
                    createdAt, ageSeconds, digest, desiredDigest, outdated, outdatedBecause, outdatedReason, diff, drifted, driftedBecause,
                    tainted, etcd, lastEvent, spare);
        }
    }
}
