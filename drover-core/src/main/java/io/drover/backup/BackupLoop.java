package io.drover.backup;

import io.drover.config.BackupSpec;
import io.drover.retry.Sleeper;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps one cluster backed up: a full snapshot every {@code full} period (and whenever the watch after the last one
 * stopped: its member went away, the cluster was restored), the changes since written every {@code delta} period,
 * old snapshots collected after each full one. Each full snapshot comes from the first member that gives one.
 */
public final class BackupLoop {
    private final Snapshots snapshots;
    private final BackupSpec spec;
    private final Supplier<Members> members;
    private final String herd;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Consumer<String> say;

    /** Where the cluster's members are now (read again before each full snapshot: a restore or heal changes them). */
    public record Members(List<String> clientUrls, io.drover.roles.EtcdPki pki) {}

    public BackupLoop(Snapshots snapshots, BackupSpec spec, Supplier<Members> members, String herd, Clock clock, Sleeper sleeper,
            Consumer<String> say) {
        this.snapshots = snapshots;
        this.spec = spec;
        this.members = members;
        this.herd = herd;
        this.clock = clock;
        this.sleeper = sleeper;
        this.say = say;
    }

    /** Runs until {@code keepGoing} says no (checked once per delta period) or the thread is interrupted. */
    public void run(BooleanSupplier keepGoing) throws InterruptedException {
        BackupTaker taker = null;
        BackupTaker.Recorder recorder = null;
        FullSnapshot full = null;
        try {
            while (keepGoing.getAsBoolean()) {
                try {
                    if (recorder == null || !clock.instant().isBefore(full.time().plus(spec.full()))) {
                        close(recorder, taker);
                        recorder = null;
                        taker = null;
                        Taken taken = takeFull();
                        taker = taken.taker();
                        full = taken.full();
                        recorder = taker.record(full);
                        say.accept("full snapshot " + full.id() + " of cluster '" + snapshots.cluster() + "': revision " + full.revision()
                                + ", " + full.keys() + " keys, " + full.size() + " bytes");
                        int gone = snapshots.collect(spec.keep());
                        if (gone > 0) {
                            say.accept("deleted the " + gone + " oldest full snapshot(s) of cluster '" + snapshots.cluster() + "' (keep: " + spec.keep() + ")");
                        }
                    }
                    sleeper.sleep(spec.delta());
                    recorder.flush();
                } catch (BackupException e) {
                    say.accept("backup of cluster '" + snapshots.cluster() + "': " + e.getMessage());
                    if (e instanceof BackupException.Unreachable) {
                        close(recorder, taker); // the next pass starts again with a full snapshot
                        recorder = null;
                        taker = null;
                    }
                    sleeper.sleep(spec.delta());
                }
            }
        } finally {
            close(recorder, taker);
        }
    }

    private record Taken(BackupTaker taker, FullSnapshot full) {}

    private Taken takeFull() throws BackupException, InterruptedException {
        Members now = members.get();
        BackupException last = new BackupException.Unreachable("cluster '" + snapshots.cluster() + "' has no recorded member", null);
        for (String url : now.clientUrls()) {
            BackupTaker taker = BackupTaker.of(url, now.pki(), snapshots, herd, clock);
            try {
                return new Taken(taker, taker.full());
            } catch (BackupException.Unreachable e) {
                taker.close();
                last = e;
            } catch (BackupException | RuntimeException e) {
                taker.close();
                throw e;
            }
        }
        throw last;
    }

    private static void close(BackupTaker.Recorder recorder, BackupTaker taker) {
        if (recorder != null) {
            recorder.close();
        }
        if (taker != null) {
            taker.close();
        }
    }

}
