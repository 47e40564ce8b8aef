package io.drover.provider.openstack.client;

import tools.jackson.databind.JsonNode;

/** A Nova key pair (the public half only: Drover imports keys, it never has Nova generate them). */
public record Keypair(String name, String fingerprint, String publicKey) {
    static Keypair from(JsonNode keypair) {
        return new Keypair(OpenStackJson.text(keypair, "name"), OpenStackJson.text(keypair, "fingerprint"), OpenStackJson.text(keypair, "public_key"));
    }
}
