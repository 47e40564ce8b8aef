package io.drover.heal;

import java.time.Duration;

/**
 * Knobs of {@code drover heal}.
 *
 * @param backoff how long a slot waits before it is replaced again
 * @param membershipDeadline how long one etcd membership change may retry (an add is refused for a few seconds
 *     after a member joined)
 * @param parallelism engine steps at once (replacements of one etcd cluster stay serial whatever this says)
 */
public record HealOptions(ReplacementBackoff backoff, Duration membershipDeadline, int parallelism) {
    public static final HealOptions DEFAULT = new HealOptions(ReplacementBackoff.DEFAULT, Duration.ofSeconds(60), 10);

    public HealOptions withBackoff(ReplacementBackoff b) {
        return new HealOptions(b, membershipDeadline, parallelism);
    }
}
