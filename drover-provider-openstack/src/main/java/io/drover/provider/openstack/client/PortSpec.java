package io.drover.provider.openstack.client;

import java.util.List;
import java.util.Objects;

/**
 * What {@code POST /v2.0/ports} creates.
 *
 * @param description free text; Drover writes its ownership marker here so that a port is recognised as its own
 * @param fixedIp a requested address, or null for the next free one
 */
public record PortSpec(String networkId, String name, String description, List<String> securityGroupIds, String fixedIp) {
    public PortSpec {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(name, "name");
        securityGroupIds = List.copyOf(securityGroupIds);
    }
}
