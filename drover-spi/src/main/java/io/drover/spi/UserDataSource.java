package io.drover.spi;

/**
 * Renders a server's first-boot config for the network identity the provider gave it. Called by the provider
 * exactly once per {@link Provider#create} that builds a server, after the address is known and before the server
 * boots; never when the create adopts a server that exists.
 */
@FunctionalInterface
public interface UserDataSource {
    UserData render(Endpoint endpoint) throws ProviderException;
}
