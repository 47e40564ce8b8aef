package io.drover.provider.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OwnershipTest {

    @Test
    void descriptionRoundTrips() {
        Ownership owner = new Ownership("prod", "etcd");
        assertThat(Ownership.parse(owner.description())).contains(owner);
        assertThat(owner.clusterResourceName()).isEqualTo("prod-etcd");
    }

    @Test
    void foreignDescriptionsAreNotOurs() {
        assertThat(Ownership.parse("Default security group")).isEmpty();
        assertThat(Ownership.parse(null)).isEmpty();
        assertThat(Ownership.parse("drover-herd=prod")).isEmpty();
    }

    @Test
    void herdMatchIsExactNotAPrefix() {
        String description = new Ownership("prod-2", "etcd").description();
        assertThat(Ownership.ownedByHerd(description, "prod-2")).isTrue();
        assertThat(Ownership.ownedByHerd(description, "prod")).isFalse();
    }
}
