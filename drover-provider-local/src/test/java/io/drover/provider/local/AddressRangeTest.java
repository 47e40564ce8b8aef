package io.drover.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddressRangeTest {
    @Test
    void parsesADashRange() {
        AddressRange range = AddressRange.parse("127.0.0.2-127.0.0.254");

        assertThat(range.size()).isEqualTo(253);
        assertThat(range.get(0)).isEqualTo("127.0.0.2");
        assertThat(range.get(252)).isEqualTo("127.0.0.254");
    }

    @Test
    void usesTheUsableHostsOfACidrBlock() {
        AddressRange range = AddressRange.parse("127.0.10.0/24");

        assertThat(range).hasToString("127.0.10.1-127.0.10.254");
        assertThat(range.indexOf("127.0.10.1")).isZero();
        assertThat(range.indexOf("127.0.11.1")).isEqualTo(-1);
    }

    @Test
    void spansOctets() {
        AddressRange range = AddressRange.parse("127.0.0.255-127.0.1.1");

        assertThat(range.size()).isEqualTo(3);
        assertThat(range.get(1)).isEqualTo("127.0.1.0");
    }

    @Test
    void rejectsAddressesOutsideLoopback() {
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/24"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid addresses '10.0.0.0/24': 10.0.0.1-10.0.0.254 is not inside 127.0.0.0/8;"
                        + " write a range like 127.0.0.2-127.0.0.254 or a CIDR block like 127.0.10.0/24 inside 127.0.0.0/8");
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> AddressRange.parse("127.0.0.300-127.0.0.4"))
                .hasMessageContaining("'127.0.0.300' is not an IPv4 address");
        assertThatThrownBy(() -> AddressRange.parse("127.0.0.9-127.0.0.4"))
                .hasMessageContaining("127.0.0.9 comes after 127.0.0.4");
    }
}
