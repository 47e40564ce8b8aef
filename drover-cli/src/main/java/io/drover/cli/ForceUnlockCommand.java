package io.drover.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "force-unlock", description = {
    "Break the state lock held with lock ID (as printed when a command was refused or waited).",
    "Only for a stuck holder: a killed one's etcd lock expires by itself after the lock TTL, and a file lock "
        + "frees itself when its process ends. The broken holder, if it still runs, can no longer write the state."})
final class ForceUnlockCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Parameters(index = "0", paramLabel = "ID", description = "The lock ID to break.")
    String id;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        var holder = session.store().lockHolder();
        session.store().forceUnlock(id);
        System.out.println("Lock " + id + " broken" + holder.map(h -> " (it was held by " + h.describe() + ")").orElse("") + ".");
        return ExitCodes.OK;
    }
}
