package io.drover.spi;

/** The labels the engine puts on every server so that reality can be matched back to the herd file. */
public final class Tags {
    /** The herd's name. */
    public static final String HERD = "drover-herd";
    /** The cluster's name. */
    public static final String CLUSTER = "drover-cluster";
    /** The resource address, e.g. {@code etcd[0]}. */
    public static final String RESOURCE = "drover-resource";
    /** The digest of image + first-boot config + role the server was created from. */
    public static final String DIGEST = "drover-digest";
    /** The image digest part of {@link #DIGEST}, to explain a replacement after adoption. */
    public static final String IMAGE_DIGEST = "drover-image";
    /**
     * The lineage of the state the server was recorded in. A server of this herd whose lineage is not the state's
     * belongs to another (lost or replaced) state: Drover refuses to act on it rather than guess.
     */
    public static final String LINEAGE = "drover-lineage";

    private Tags() {}
}
