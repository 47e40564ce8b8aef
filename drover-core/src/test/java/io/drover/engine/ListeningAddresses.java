package io.drover.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Bound sockets on {@code PREFIX1 .. PREFIXn}, all on one port, standing in for servers that pass a tcp health check:
 * a bound socket completes TCP handshakes from its backlog, so no thread is needed.
 */
final class ListeningAddresses implements AutoCloseable {
    private final List<ServerSocket> sockets = new ArrayList<>();
    private final int port;

    ListeningAddresses(String prefix, int count) throws IOException {
        int chosen = 0;
        try {
            for (int i = 1; i <= count; i++) {
                ServerSocket s = new ServerSocket();
                sockets.add(s);
                s.bind(new InetSocketAddress(InetAddress.getByName(prefix + i), chosen), 50);
                chosen = s.getLocalPort();
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        this.port = chosen;
    }

    /** The port every address listens on. */
    int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket s : sockets) {
            s.close();
        }
    }
}
