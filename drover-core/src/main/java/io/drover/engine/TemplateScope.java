package io.drover.engine;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.config.Role;
import io.drover.roles.EtcdPki;
import io.drover.spi.Endpoint;
import io.drover.state.ServerRecord;
import io.drover.state.State;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Answers template references ({@code ${server.ip}}, {@code ${clusters.etcd.endpoints}}, ...) from the model. */
public final class TemplateScope {
    private TemplateScope() {}

    /**
     * References valid anywhere, as the herd's outputs see them: variables, the herd, and clusters' servers as
     * recorded, at their access addresses (what clients outside the herd reach).
     */
    public static Function<String, String> herd(Herd herd, State state) {
        return scope(herd, state, ServerRecord::accessAddress);
    }

    /** @param address which of a server's addresses cluster references give: access for outputs, peer inside the herd */
    private static Function<String, String> scope(Herd herd, State state, Function<ServerRecord, String> address) {
        return ref -> {
            if (ref.startsWith("var.")) {
                return herd.variables().get(ref.substring(4));
            }
            if (ref.equals("herd.name")) {
                return herd.name();
            }
            if (ref.startsWith("clusters.")) {
                String[] p = ref.split("\\.");
                Cluster c = p.length == 3 ? herd.clusters().get(p[1]) : null;
                if (c == null) {
                    return null;
                }
                return p[2].endsWith("_file") ? clientFile(herd, c, p[2]) : clusterValue(c, live(state, c.name()), p[2], address);
            }
            return null;
        };
    }

    /**
     * References valid inside a cluster's first-boot config, for one server about to boot: servers talk to each other on
     * their peer addresses.
     */
    public static Function<String, String> server(Herd herd, Cluster cluster, Endpoint self, int slot, State state) {
        Function<String, String> outer = scope(herd, state, ServerRecord::ip);
        return ref -> switch (ref) {
            case "server.name" -> self.name();
            case "server.ip" -> self.ip();
            case "server.index" -> Integer.toString(slot);
            case "cluster.name" -> cluster.name();
            case "cluster.size" -> Integer.toString(cluster.size());
            case "cluster.ips" -> clusterValue(cluster, live(state, cluster.name()), "ips", ServerRecord::ip);
            case "cluster.peers" -> live(state, cluster.name()).stream()
                    .map(r -> r.name() + "=" + cluster.etcd().scheme() + "://" + r.ip() + ":" + cluster.etcd().peerPort())
                    .collect(Collectors.joining(","));
            default -> outer.apply(ref);
        };
    }

    /** The members that serve: spares are left out (an etcd learner answers no client, a web spare is outside the pool). */
    private static List<ServerRecord> live(State state, String cluster) {
        return state.cluster(cluster).stream().filter(r -> !r.tainted() && !r.spare() && r.ip() != null).toList();
    }

    private static String clusterValue(Cluster c, List<ServerRecord> servers, String attribute, Function<ServerRecord, String> address) {
        return switch (attribute) {
            case "ips" -> servers.stream().map(address).collect(Collectors.joining(","));
            case "names" -> servers.stream().map(ServerRecord::name).collect(Collectors.joining(","));
            case "endpoints" -> servers.stream().map(r -> endpoint(c, address.apply(r))).collect(Collectors.joining(","));
            default -> null;
        };
    }

    /** The client material files of an etcd cluster with TLS ({@code ${clusters.NAME.ca_file}} and friends). */
    private static String clientFile(Herd herd, Cluster c, String attribute) {
        if (c.role() != Role.ETCD || !c.etcd().tls()) {
            return "";
        }
        EtcdPki.ClientFiles files = EtcdPki.clientFiles(Engine.workDir(herd), c.name());
        return switch (attribute) {
            case "ca_file" -> files.ca().toString();
            case "cert_file" -> files.cert().toString();
            case "key_file" -> files.key().toString();
            default -> null;
        };
    }

    /** How clients reach a server of this cluster: etcd's client URL, the HTTP health port, or the bare address. */
    static String endpoint(Cluster c, String ip) {
        if (c.role() == Role.ETCD) {
            return c.etcd().scheme() + "://" + ip + ":" + c.etcd().clientPort();
        }
        return c.health().port() > 0 ? ip + ":" + c.health().port() : ip;
    }
}
