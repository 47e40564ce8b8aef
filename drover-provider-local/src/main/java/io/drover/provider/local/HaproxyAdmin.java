package io.drover.provider.local;

import io.drover.spi.ProviderException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** HAProxy's runtime API on its admin socket: one command per connection, the answer read to the end. */
final class HaproxyAdmin {
    private final Path socket;

    HaproxyAdmin(Path socket) {
        this.socket = socket;
    }

    /** Sends one command; a socket nobody listens on (HAProxy down, restarting) is a retryable error. */
    String command(String command) throws ProviderException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ProviderException("HAProxy's admin socket " + socket + " does not answer (" + e.getMessage() + ")", true, e);
        }
    }

    boolean answers() {
        try {
            command("show info");
            return true;
        } catch (ProviderException e) {
            return false;
        }
    }
}
