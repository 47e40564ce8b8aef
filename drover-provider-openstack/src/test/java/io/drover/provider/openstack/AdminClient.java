package io.drover.provider.openstack;

import io.drover.provider.openstack.client.OpenStackClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The client a test class looks behind the provider's back with ({@code @RegisterExtension static final AdminClient
 * admin}): logged in once before the class's tests (each login costs a second or more), closed after them.
 */
final class AdminClient implements BeforeAllCallback, AfterAllCallback {
    private OpenStackClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        client = TestCloud.client();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
        }
    }

    OpenStackClient client() {
        return client;
    }
}
