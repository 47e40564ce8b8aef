package io.drover.render;

import java.util.List;

/** First-boot configs shared by the renderer tests. */
public final class Fixtures {
    public static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5rW2yWzvQ8mY1mZ0T4cM0y0f2b1Nq9kq3s5cYb0a1Z core@laptop";
    /** Text that percent-encoding and YAML quoting must both get right. */
    public static final String TRICKY_TEXT = "Hello, 100% ready? #1 a+b & c=d; \"quoted\" 'single' \\ back\n\ttabbed ünïcode ✓\n";
    public static final String APP_UNIT = """
            [Unit]
            Description=Drover test app
            After=network-online.target

            [Service]
            ExecStart=/opt/app/bin/run.sh
            Restart=always

            [Install]
            WantedBy=multi-user.target
            """;
    public static final String TIMER_UNIT = """
            [Unit]
            Description=Nightly backup

            [Timer]
            OnCalendar=daily

            [Install]
            WantedBy=timers.target
            """;

    private Fixtures() {}

    /** Uses every part of the model: users, files with modes and owners, directories, links, units with drop-ins. */
    public static FirstBoot rich() {
        Owner core = new Owner("core", "wheel");
        return new FirstBoot(
                List.of(
                        new User("core", List.of(SSH_KEY), List.of("wheel"), "/home/core", "/bin/bash"),
                        new User("app", List.of(), List.of(), null, null)),
                List.of(
                        new FileEntry("/etc/motd", 0644, Owner.ROOT, TRICKY_TEXT, true),
                        new FileEntry("/etc/app/secret.env", 0600, core, "TOKEN=s3cr3t\n", false),
                        new FileEntry("/opt/app/bin/run.sh", 0755, null, "#!/bin/sh\nexec sleep infinity\n", false),
                        new FileEntry("/home/core/.hushlogin", null, null, "", false),
                        new FileEntry("/var/lib/app/marker", null, null, null, false)),
                List.of(
                        new Directory("/var/lib/app", 0750, core),
                        new Directory("/srv/data", null, null)),
                List.of(
                        new Link("/opt/app/current", "/opt/app/releases/1", false, null),
                        new Link("/usr/local/bin/app", "/opt/app/bin/run.sh", false, null),
                        new Link("/etc/motd.hard", "/etc/motd", true, null)),
                List.of(
                        new Unit("app.service", true, APP_UNIT,
                                List.of(new Unit.DropIn("10-env.conf", "[Service]\nEnvironment=MODE=production\n"))),
                        new Unit("backup.timer", true, TIMER_UNIT, List.of()),
                        new Unit("backup.service", null, "[Service]\nType=oneshot\nExecStart=/bin/true\n", List.of()),
                        new Unit("systemd-journald.service", null, null,
                                List.of(new Unit.DropIn("50-size.conf", "[Journal]\nSystemMaxUse=200M\n"))),
                        new Unit("unwanted.service", false, null, List.of())));
    }
}
