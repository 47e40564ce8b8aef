package io.drover.view;

/**
 * An etcd member's raft status from etcd's maintenance {@code Status} call.
 *
 * @param role {@code leader}, {@code follower}, {@code learner}; {@code null} with {@link #error()} when it did not answer
 * @param leader the leader it follows, by server name (its member id in hex when no recorded server has it)
 * @param lag how far its raft index is behind the most advanced member that answered
 */
public record EtcdMemberView(String role, String memberId, String leader, Long raftIndex, Long lag, String version, String error) {

    public static EtcdMemberView unanswered(String error) {
        return new EtcdMemberView(null, null, null, null, null, null, error);
    }
}
