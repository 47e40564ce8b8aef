package io.drover.state;

import io.drover.config.StateSettings;

/**
 * A state backend other than the built-in file, found through {@link java.util.ServiceLoader} by its name (the
 * herd file's {@code state.backend}). The etcd backend lives in its own module so that jetcd and gRPC are
 * loaded only by commands that use it.
 */
public interface StateBackend {
    /** The herd file's name for it, e.g. {@code etcd}. */
    String name();

    /**
     * Opens the herd's store. Connecting may be lazy, but configuration problems (unreadable TLS files) are
     * reported here.
     */
    StateStore open(StateSettings settings, String herd, StateCodec codec) throws StateException;
}
