package io.drover.config;

/**
 * A value shown by {@code drover output}, e.g. {@code etcd_endpoints: ${clusters.etcd.endpoints}}.
 *
 * @param value a template resolved after apply (see {@link Template})
 */
public record Output(String name, String value, String description, SourcePosition position) {}
