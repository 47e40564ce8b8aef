package io.drover.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heal replicas on one machine with a file state: the OS lock on .drover/heal.lock elects. */
class FileElectionTest {
    @TempDir
    Path dir;

    @Test
    void oneReplicaLeadsUntilItResignsThenAnotherDoesAndBothAreListed() throws Exception {
        FileStateStore store = new FileStateStore(dir.resolve(".drover"));
        try (Election a = store.election(LockInfo.current("a", "heal"), Election.Settings.DEFAULT);
                Election b = store.election(LockInfo.current("b", "heal"), Election.Settings.DEFAULT)) {
            assertThat(a.acrossMachines()).as("a file lock elects on one machine only").isFalse();
            Election.Term first = a.tryLead().orElseThrow();
            assertThat(b.tryLead()).isEmpty();
            assertThat(store.healRoster().leader()).hasValueSatisfying(l -> assertThat(l.id()).isEqualTo("a"));
            assertThat(store.healRoster().replicas()).extracting(LockInfo::id).containsExactlyInAnyOrder("a", "b");

            first.resign();
            assertThatThrownBy(first::ensureSafe).isInstanceOf(LeadershipLostException.class);
            assertThat(b.tryLead()).isPresent();
            assertThat(store.healRoster().leader()).hasValueSatisfying(l -> assertThat(l.id()).isEqualTo("b"));
        }
        assertThat(store.healRoster().replicas()).as("replicas that left are not listed").isEmpty();
        assertThat(store.healRoster().leader()).isEmpty();
    }
}
