package io.drover.spi;

/**
 * Renders a server's first-boot config for the network identity the provider gave it. Called by the provider
 * exactly once per {@link Provider#create}, after the address is known and before the server boots.
 */
@FunctionalInterface
public interface UserDataSource {
    UserData render(Endpoint endpoint) throws ProviderException;
}
