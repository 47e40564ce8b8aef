package io.drover.provider.openstack.client;

import java.time.Clock;

/** One authenticated connection to a cloud, with a client per service. Thread-safe. */
public final class OpenStackClient implements AutoCloseable {
    private final OpenStackSession session;
    private final NovaClient nova;
    private final GlanceClient glance;
    private final NeutronClient neutron;
    private final OctaviaClient octavia;

    public OpenStackClient(OpenStackSession session) {
        this.session = session;
        this.nova = new NovaClient(session);
        this.glance = new GlanceClient(session);
        this.neutron = new NeutronClient(session);
        this.octavia = new OctaviaClient(session);
    }

    /** Connects to a cloud with the default retry policy (authentication happens on first use). */
    public static OpenStackClient connect(CloudConfig config) {
        return connect(config, RestClient.create(RetryPolicy.DEFAULT));
    }

    public static OpenStackClient connect(CloudConfig config, RestClient rest) {
        return new OpenStackClient(new OpenStackSession(config, rest, Clock.systemUTC()));
    }

    public OpenStackSession session() {
        return session;
    }

    public NovaClient nova() {
        return nova;
    }

    public GlanceClient glance() {
        return glance;
    }

    public NeutronClient neutron() {
        return neutron;
    }

    public OctaviaClient octavia() {
        return octavia;
    }

    @Override
    public void close() {
        session.close();
    }
}
