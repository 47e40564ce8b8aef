package io.drover.provider.openstack.client;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code POST /servers} creates.
 *
 * @param flavorId a flavor id (see {@link NovaClient#findFlavor})
 * @param portIds Neutron ports to attach, in order; empty with {@code networks} null means {@code "none"}
 * @param networkIds networks to create ports on (when {@code portIds} is empty)
 * @param securityGroups security group names; Nova ignores them for pre-made ports, which carry their own
 * @param tags server tags (at most 50, each at most 60 characters without {@code /} or {@code ,})
 * @param userData first-boot data, sent base64 encoded (at most 64 KiB encoded)
 * @param serverGroupId scheduler hint {@code group}, or null
 */
public record ServerSpec(
        String name,
        String imageId,
        String flavorId,
        String keyName,
        List<String> portIds,
        List<String> networkIds,
        List<String> securityGroups,
        Map<String, String> metadata,
        List<String> tags,
        byte[] userData,
        String serverGroupId) {

    public ServerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(flavorId, "flavorId");
        portIds = List.copyOf(portIds);
        networkIds = List.copyOf(networkIds);
        securityGroups = List.copyOf(securityGroups);
        metadata = Map.copyOf(metadata);
        tags = List.copyOf(tags);
        userData = userData == null ? null : userData.clone();
    }

    @Override
    public byte[] userData() {
        return userData == null ? null : userData.clone();
    }

    @Override
    public String toString() {
        // user data may hold secrets (join tokens, keys): never print it.
        return "ServerSpec[name=" + name + ", image=" + imageId + ", flavor=" + flavorId + ", ports=" + portIds
                + ", metadata=" + metadata + ", tags=" + tags + ", serverGroup=" + serverGroupId + "]";
    }
}
