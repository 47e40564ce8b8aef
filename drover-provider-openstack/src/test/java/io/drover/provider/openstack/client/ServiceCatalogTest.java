package io.drover.provider.openstack.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ServiceCatalogTest {
    private static final String TOKEN = """
            {"token": {"expires_at": "2030-01-01T00:00:00.000000Z", "project": {"id": "p1"}, "catalog": [
              {"type": "compute", "name": "nova", "endpoints": [
                {"interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "https://nova.one/v2.1"},
                {"interface": "internal", "region_id": "RegionOne", "region": "RegionOne", "url": "http://nova.internal/v2.1"},
                {"interface": "public", "region_id": "RegionTwo", "region": "RegionTwo", "url": "https://nova.two/v2.1"}]},
              {"type": "image", "name": "glance", "endpoints": [
                {"interface": "public", "region_id": "RegionOne", "url": "https://glance.one"}]}
            ]}}
            """;

    private final ServiceCatalog catalog = ServiceCatalog.fromToken(parse(TOKEN));

    @Test
    void picksTheEndpointOfTheInterfaceAndRegion() {
        assertThat(catalog.url("compute", "public", "RegionTwo")).isEqualTo(URI.create("https://nova.two/v2.1"));
        assertThat(catalog.url("compute", "internal", "RegionOne")).isEqualTo(URI.create("http://nova.internal/v2.1"));
    }

    @Test
    void withoutRegionUsesTheOnlyOne() {
        assertThat(catalog.url("image", "public", null)).isEqualTo(URI.create("https://glance.one"));
    }

    @Test
    void refusesToGuessAmongSeveralRegions() {
        assertThatThrownBy(() -> catalog.url("compute", "public", null))
                .isInstanceOf(OpenStackException.class)
                .hasMessageContaining("several regions")
                .hasMessageContaining("RegionOne")
                .hasMessageContaining("RegionTwo");
    }

    @Test
    void namesWhatIsAvailableWhenAServiceIsMissing() {
        assertThatThrownBy(() -> catalog.url("image", "admin", "RegionOne"))
                .hasMessageContaining("no admin endpoint for 'image'")
                .hasMessageContaining("public@RegionOne");
        assertThatThrownBy(() -> catalog.url("network", "public", null)).hasMessageContaining("available: none");
    }

    private static JsonNode parse(String json) {
        return OpenStackJson.MAPPER.readTree(json);
    }
}
