package io.drover.provider.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.provider.openstack.client.GlanceImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageResolverTest {

    @Test
    void digestPrefersTheSha2Multihash() {
        assertThat(ImageResolver.digest(image("sha512", "abc512", "md5sum"))).isEqualTo("sha256:abc512");
        assertThat(ImageResolver.digest(image("SHA256", "abc256", "md5sum"))).isEqualTo("sha256:abc256");
    }

    @Test
    void digestFallsBackToChecksumThenId() {
        assertThat(ImageResolver.digest(image("md5", "x", "md5sum"))).isEqualTo("sha256:md5sum");
        assertThat(ImageResolver.digest(image(null, null, null))).isEqualTo("sha256:img-1");
    }

    private static GlanceImage image(String algo, String value, String checksum) {
        return new GlanceImage("img-1", "tiny", "active", checksum, algo, value, List.of(), null, 0);
    }
}
