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

    /**
     * @param ip the server's fixed address on the herd's network: its peer address
     * @return with the server's floating IP, when it has one, as its access address (outputs and clients use it; its
     *     peers keep the fixed one, which they reach without going through the router)
     */
    static Instance toInstance(Server server, String ip) {
        Instant created = server.created() == null ? Instant.EPOCH : server.created();
        String access = server.floatingIps().isEmpty() ? null : server.floatingIps().get(0);
        return new Instance(server.id(), server.name(), ip, status(server.status()), server.metadata(), created, null, access);
    }
}
