package io.drover.engine;

import io.drover.config.Cluster;
import io.drover.config.Herd;
import io.drover.plan.ClusterTemplate;
import io.drover.plan.Identity;
import io.drover.roles.EtcdPki;
import io.drover.spi.Image;
import io.drover.spi.ProviderException;
import io.drover.state.State;
import java.util.LinkedHashMap;
import java.util.Map;

/** Each cluster's provider, image (resolved through the {@link ImageCache}) and identity digest. */
final class ClusterTemplates {
    private final Herd herd;
    private final ImageCache images;
    private final ClusterPkis pkis;

    ClusterTemplates(Herd herd, ImageCache images, ClusterPkis pkis) {
        this.herd = herd;
        this.images = images;
        this.pkis = pkis;
    }

    Map<String, ClusterTemplate> of(State state) throws ProviderException {
        Map<String, ClusterTemplate> templates = new LinkedHashMap<>();
        for (Cluster c : herd.clusters().values()) {
            String provider = herd.providerOf(c).name();
            Image image = images.image(provider, c.image());
            EtcdPki pki = pkis.pki(c, state);
            // The CA is part of every member's identity: a new CA means new members, rolled one at a time.
            Map<String, String> extra = pki == null ? Map.of() : pki.identity();
            templates.put(c.name(), new ClusterTemplate(c, provider, image, Identity.digest(herd, c, image, extra),
                    Identity.facts(herd, c, image, extra)));
        }
        return templates;
    }
}
