package io.drover.spi;

import java.util.Objects;

/** The network identity of a server, known before it boots. */
public record Endpoint(String name, String ip) {
    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ip, "ip");
    }
}
