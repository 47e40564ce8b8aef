package io.drover.provider.openstack.client;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Nova (compute v2.1) at one fixed microversion, {@link #MICROVERSION}. A concrete version, because the
 * server rejects the client-side alias {@code 2.latest}, and because a fixed version keeps response shapes
 * stable. 2.79 (Train) gives everything used here: {@code networks: none|auto} (2.37), tags on create (2.52),
 * the {@code policy} string of server groups (2.64), user data visible to admins (2.3).
 */
public final class NovaClient extends ServiceClient {
    public static final String MICROVERSION = "2.79";

    NovaClient(OpenStackSession session) {
        super(session, () -> session.endpoint("compute"), Map.of(
                "OpenStack-API-Version", "compute " + MICROVERSION,
                "X-OpenStack-Nova-API-Version", MICROVERSION));
    }

    // ---- flavors

    /** A flavor by id or name (Nova has no server-side name filter, so the list is searched). */
    public Flavor findFlavor(String nameOrId) {
        List<Flavor> byName = new ArrayList<>();
        for (JsonNode node : listAll("/flavors/detail", "flavors")) {
            Flavor flavor = Flavor.from(node);
            if (flavor.id().equals(nameOrId)) {
                return flavor;
            }
            if (flavor.name().equals(nameOrId)) {
                byName.add(flavor);
            }
        }
        if (byName.size() == 1) {
            return byName.get(0);
        }
        throw new OpenStackException(byName.isEmpty()
                ? "Flavor '" + nameOrId + "' does not exist. List the flavors with 'openstack flavor list' and set 'flavor' to one of them."
                : "Flavor name '" + nameOrId + "' is ambiguous (" + byName.size() + " flavors). Use the flavor's id.",
                byName.isEmpty() ? 404 : 409, false, null);
    }

    // ---- servers

    /**
     * Creates a server and returns its id. If the request's outcome is unknown (lost response, 5xx), a server
     * with the same name and all of {@code spec.metadata()} is looked for before the request is repeated.
     */
    public String createServer(ServerSpec spec) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode server = body.putObject("server");
        server.put("name", spec.name());
        server.put("imageRef", spec.imageId());
        server.put("flavorRef", spec.flavorId());
        if (spec.keyName() != null) {
            server.put("key_name", spec.keyName());
        }
        if (!spec.portIds().isEmpty() || !spec.networkIds().isEmpty()) {
            ArrayNode networks = server.putArray("networks");
            spec.portIds().forEach(id -> networks.addObject().put("port", id));
            spec.networkIds().forEach(id -> networks.addObject().put("uuid", id));
        } else {
            server.put("networks", "none");
        }
        if (!spec.securityGroups().isEmpty()) {
            ArrayNode groups = server.putArray("security_groups");
            spec.securityGroups().forEach(name -> groups.addObject().put("name", name));
        }
        if (!spec.metadata().isEmpty()) {
            ObjectNode metadata = server.putObject("metadata");
            spec.metadata().forEach(metadata::put);
        }
        if (!spec.tags().isEmpty()) {
            ArrayNode tags = server.putArray("tags");
            spec.tags().forEach(tags::add);
        }
        if (spec.userData() != null) {
            server.put("user_data", Base64.getEncoder().encodeToString(spec.userData()));
        }
        if (spec.serverGroupId() != null) {
            body.putObject("os:scheduler_hints").put("group", spec.serverGroupId());
        }
        JsonNode created = post("/servers", body, () -> findServerLike(spec).map(found -> {
            ObjectNode wrapper = OpenStackJson.object();
            wrapper.putObject("server").put("id", found.id());
            return wrapper;
        }));
        return OpenStackJson.text(created.path("server"), "id");
    }

    private Optional<Server> findServerLike(ServerSpec spec) {
        for (Server server : listServers(ServerQuery.named(spec.name()))) {
            if (server.metadata().entrySet().containsAll(spec.metadata().entrySet())) {
                return Optional.of(server);
            }
        }
        return Optional.empty();
    }

    public Optional<Server> getServer(String id) {
        return find("/servers/" + encode(id)).map(json -> Server.from(json.path("server")));
    }

    /** Servers matching a query, all pages. */
    public List<Server> listServers(ServerQuery query) {
        List<Server> servers = new ArrayList<>();
        for (JsonNode node : listAll("/servers/detail" + query.toQueryString(), "servers")) {
            servers.add(Server.from(node));
        }
        return servers;
    }

    /** Asks Nova to delete a server; returns at once (poll {@link #getServer} for its disappearance). */
    public void deleteServer(String id) {
        delete("/servers/" + encode(id));
    }

    /**
     * Forces a server's state (admin only), as an operator does to clear a stuck server; tests use it to put a
     * server in ERROR behind Drover's back. The action is idempotent, so it is retried like a GET.
     */
    public void resetState(String id, String state) {
        ObjectNode body = OpenStackJson.object();
        body.putObject("os-resetState").put("state", state);
        post("/servers/" + encode(id) + "/action", body, () -> Optional.of(OpenStackJson.object()));
    }

    // ---- server groups

    public ServerGroup createServerGroup(String name, String policy) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode group = body.putObject("server_group");
        group.put("name", name);
        group.put("policy", policy);
        JsonNode created = post("/os-server-groups", body, () -> findServerGroup(name).map(found -> {
            ObjectNode wrapper = OpenStackJson.object();
            wrapper.putObject("server_group").put("id", found.id()).put("name", found.name())
                    .put("policy", found.policy());
            return wrapper;
        }));
        return ServerGroup.from(created.path("server_group"));
    }

    public List<ServerGroup> listServerGroups() {
        List<ServerGroup> groups = new ArrayList<>();
        for (JsonNode node : get("/os-server-groups?limit=1000").path("server_groups")) {
            groups.add(ServerGroup.from(node));
        }
        return groups;
    }

    public Optional<ServerGroup> findServerGroup(String name) {
        return listServerGroups().stream().filter(g -> name.equals(g.name())).findFirst();
    }

    public Optional<ServerGroup> getServerGroup(String id) {
        return find("/os-server-groups/" + encode(id)).map(json -> ServerGroup.from(json.path("server_group")));
    }

    public void deleteServerGroup(String id) {
        delete("/os-server-groups/" + encode(id));
    }

    // ---- key pairs

    /** Imports a public key under a name; a key pair of that name that already exists is returned instead. */
    public Keypair importKeypair(String name, String publicKey) {
        ObjectNode body = OpenStackJson.object();
        ObjectNode keypair = body.putObject("keypair");
        keypair.put("name", name);
        keypair.put("public_key", publicKey);
        keypair.put("type", "ssh");
        ApiCall call = call("POST", "/os-keypairs")
                .withBody("application/json", OpenStackJson.bytes(body))
                .withLookup(() -> find("/os-keypairs/" + encode(name)));
        ApiResponse response = send(call);
        if (response.status() == 409) {
            return getKeypair(name).orElseThrow(() -> new OpenStackException("Key pair '" + name + "' exists and vanished again; retry."));
        }
        return Keypair.from(expectSuccess(call, response).path("keypair"));
    }

    public Optional<Keypair> getKeypair(String name) {
        return find("/os-keypairs/" + encode(name)).map(json -> Keypair.from(json.path("keypair")));
    }

    public void deleteKeypair(String name) {
        delete("/os-keypairs/" + encode(name));
    }

    /**
     * A server list filter. {@code name} is a regular expression for Nova; {@link #named} anchors it, and
     * {@code tags} must all be present (server tags, microversion 2.26+).
     */
    public record ServerQuery(String nameRegex, List<String> tags) {
        public ServerQuery {
            tags = List.copyOf(tags);
        }

        public static ServerQuery named(String exactName) {
            return new ServerQuery("^" + regexLiteral(exactName) + "$", List.of());
        }

        /**
         * Escapes a literal for Nova's name filter, which MySQL's REGEXP or Python's re evaluates: neither knows
         * Java's {@code \Q...\E}, both know bracket classes.
         */
        static String regexLiteral(String text) {
            StringBuilder out = new StringBuilder();
            for (char c : text.toCharArray()) {
                if (c == '\\' || c == '^' || c == ']') {
                    out.append('\\').append(c);
                } else if (".$*+?()[{}|".indexOf(c) >= 0) {
                    out.append('[').append(c).append(']');
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        public static ServerQuery tagged(String... tags) {
            return new ServerQuery(null, List.of(tags));
        }

        String toQueryString() {
            List<String> params = new ArrayList<>();
            if (nameRegex != null) {
                params.add("name=" + encode(nameRegex));
            }
            if (!tags.isEmpty()) {
                params.add("tags=" + encode(String.join(",", tags)));
            }
            return params.isEmpty() ? "" : "?" + String.join("&", params);
        }
    }
}
