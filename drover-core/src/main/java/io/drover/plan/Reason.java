package io.drover.plan;

/** Why a change is proposed; shown next to it. */
public enum Reason {
    NEW("new slot"),
    UP_TO_DATE("up to date"),
    MISSING("its server is gone"),
    IMAGE_CHANGED("image changed"),
    CONFIG_CHANGED("first-boot config or role changed"),
    DRIFT("the running server differs from what was recorded"),
    TAINTED("it never became healthy"),
    NOT_A_MEMBER("its cluster does not count it as a voting member"),
    FAILED_CREATE("left behind by an interrupted create"),
    NOT_RUNNING("it is not running"),
    STARTING("still starting: created by a run that stopped before it became healthy, within its start timeout"),
    RECOVERED("healthy now: it was still starting when the last run stopped"),
    PROVIDER_CHANGED("the cluster moves to another provider"),
    NEVER_FORMED("its etcd cluster never became healthy: it is created afresh"),
    UNHEALTHY("it failed its health checks"),
    SCALE_DOWN("slot beyond the cluster's size"),
    CLUSTER_REMOVED("its cluster was removed from the herd file"),
    DUPLICATE("another server fills the same slot"),
    ORPHAN("found running, tagged with this herd, but belongs to no slot"),
    ADOPTED("found running but missing from the state"),
    DESTROY("destroy"),
    SPARE_PROMOTED("its spare took a member's place"),
    SPARE_MAKES_ROOM("a new member joins as etcd's one learner: the spare leaves and comes back after"),
    SPARE_IS_VOTING("a spare that its cluster counts as a voting member");

    private final String text;

    Reason(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
