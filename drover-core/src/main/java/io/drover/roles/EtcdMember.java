package io.drover.roles;

import java.net.URI;
import java.util.List;

/** One member of an etcd cluster as the cluster itself reports it; {@code name} is empty until it started. */
public record EtcdMember(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
    public EtcdMember {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }

    public boolean started() {
        return !name.isEmpty();
    }

    public String hexId() {
        return Long.toHexString(id);
    }

    /** The addresses (hosts) of its peer URLs, to match it with a server. */
    public List<String> peerHosts() {
        return peerUrls.stream().map(u -> {
            try {
                return URI.create(u).getHost();
            } catch (IllegalArgumentException e) {
                return u;
            }
        }).toList();
    }
}
