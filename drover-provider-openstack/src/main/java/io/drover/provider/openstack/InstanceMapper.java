package io.drover.provider.openstack;

import io.drover.provider.openstack.client.Server;
import io.drover.spi.Instance;
import java.time.Instant;
import java.util.Locale;

/** Translates Nova's server states into Drover's coarse {@link Instance.Status}. */
final class InstanceMapper {
    private InstanceMapper() {}

    static Instance.Status status(String novaStatus) {
        String status = novaStatus == null ? "UNKNOWN" : novaStatus.toUpperCase(Locale.ROOT);
        return switch (status) {
            case "ACTIVE", "RESIZE", "VERIFY_RESIZE", "REVERT_RESIZE", "MIGRATING", "PASSWORD", "RESCUE" ->
                    Instance.Status.RUNNING;
            case "BUILD", "REBUILD", "REBOOT", "HARD_REBOOT" -> Instance.Status.BUILDING;
            case "SHUTOFF", "STOPPED", "SUSPENDED", "PAUSED", "SHELVED", "SHELVED_OFFLOADED" -> Instance.Status.STOPPED;
            default -> Instance.Status.ERROR; // ERROR, UNKNOWN, and anything newer than this code
        };
    }

    /** Servers on their way out are not part of the herd any more. */
    static boolean gone(Server server) {
        return "DELETED".equals(server.status()) || "SOFT_DELETED".equals(server.status());
    }

    static Instance toInstance(Server server, String ip) {
        Instant created = server.created() == null ? Instant.EPOCH : server.created();
        return new Instance(server.id(), server.name(), ip, status(server.status()), server.metadata(), created);
    }
}
