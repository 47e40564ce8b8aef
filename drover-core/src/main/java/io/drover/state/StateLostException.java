package io.drover.state;

import java.util.List;

/**
 * Servers of this herd run, but the state does not know them: it was deleted, replaced by another one, or belongs to
 * another copy of the herd. Acting now could replace servers whose CA and data Drover no longer knows, so Drover
 * refuses and says how to recover.
 */
public final class StateLostException extends StateException {
    private final List<String> servers;

    public StateLostException(String message, List<String> servers) {
        super(message);
        this.servers = List.copyOf(servers);
    }

    /** The running servers the state does not account for. */
    public List<String> servers() {
        return servers;
    }
}
