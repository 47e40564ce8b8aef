package io.drover.provider.openstack.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How Nova's {@code addresses} of a server are read: fixed ones are peer addresses, a floating one is for clients. */
class ServerAddressesTest {

    @Test
    void fixedAndFloatingAddressesAreToldApartByTheirType() {
        Server server = Server.from(OpenStackJson.MAPPER.readTree("""
                {"id": "s1", "name": "web-0", "status": "ACTIVE", "metadata": {}, "addresses": {"private": [
                  {"addr": "10.10.0.7", "version": 4, "OS-EXT-IPS:type": "fixed"},
                  {"addr": "172.31.251.20", "version": 4, "OS-EXT-IPS:type": "floating"}]}}
                """));

        assertThat(server.fixedIps()).containsExactly("10.10.0.7");
        assertThat(server.floatingIps()).containsExactly("172.31.251.20");
    }

    @Test
    void anAddressWithoutATypeIsFixed() {
        Server server = Server.from(OpenStackJson.MAPPER.readTree("""
                {"id": "s1", "name": "web-0", "status": "ACTIVE", "addresses": {"private": [{"addr": "10.10.0.7"}]}}
                """));

        assertThat(server.fixedIps()).containsExactly("10.10.0.7");
        assertThat(server.floatingIps()).isEmpty();
    }
}
