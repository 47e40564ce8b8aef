package io.drover.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", description = {
    "Serve a live, read-only web view of the herd, and its JSON API (docs/web.md).",
    "It shows clusters and servers with their health checked now, etcd roles and raft lag, outdated or drifted servers, "
        + "outputs, the lock holder and the event log, updated as things happen.",
    "Loopback only unless --bind says otherwise (then a token is required)."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    HerdOptions options;

    @Mixin
    WebOptions web;

    @Override
    public Integer call() throws Exception {
        Session session = Session.open(options);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "drover-serve-stop");
        try (WebOptions.Served served = web.start(session, System.out)) {
            System.out.println("Serving until interrupted (Ctrl-C).");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
        } finally {
            stopped.countDown();
        }
        return ExitCodes.OK;
    }
}
