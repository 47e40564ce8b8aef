package io.drover.provider.openstack.client;

import java.net.URI;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Gets tokens from Keystone v3 ({@code POST /v3/auth/tokens}) with the configured credentials. */
final class KeystoneAuthenticator {
    private final CloudConfig config;
    private final RestClient rest;

    KeystoneAuthenticator(CloudConfig config, RestClient rest) {
        this.config = config;
        this.rest = rest;
    }

    Token authenticate() {
        URI uri = URI.create(config.identityV3() + "/auth/tokens");
        ApiCall call = ApiCall.of("POST", uri)
                .withBody("application/json", OpenStackJson.bytes(body(config.credentials())))
                // Asking for a token twice is harmless (the first one simply goes unused), so a lost response
                // may be retried: a lookup that never finds anything says exactly that.
                .withLookup(Optional::empty);
        ApiResponse response = rest.send(call);
        if (response.status() == 401) {
            throw new OpenStackException("Keystone at " + config.identityV3() + " rejected the credentials of cloud '"
                    + config.name() + "' (" + response.errorMessage() + "). Check the user, password or application "
                    + "credential, and the user and project domains.", 401, false, null);
        }
        if (!response.successful()) {
            throw new OpenStackException("Authentication at " + config.identityV3() + " failed: " + response.status()
                    + " " + response.errorMessage(), response.status(), response.status() >= 500 || response.status() == 429, null);
        }
        String value = response.header("X-Subject-Token");
        if (value == null) {
            throw new OpenStackException("Keystone at " + config.identityV3() + " answered without X-Subject-Token; is auth_url a Keystone v3 endpoint?");
        }
        JsonNode json = response.json();
        JsonNode token = json.path("token");
        if (token.path("catalog").isEmpty() && token.path("project").isMissingNode()) {
            throw new OpenStackException("Keystone gave cloud '" + config.name() + "' an unscoped token (no project). "
                    + "Set project_name/project_id (OS_PROJECT_NAME) so that the token carries a service catalog.");
        }
        return new Token(
                value,
                OpenStackJson.instant(OpenStackJson.text(token, "issued_at")),
                OpenStackJson.instant(OpenStackJson.text(token, "expires_at")),
                OpenStackJson.text(token.path("project"), "id"),
                ServiceCatalog.fromToken(json));
    }

    static ObjectNode body(Credentials credentials) {
        ObjectNode root = OpenStackJson.object();
        ObjectNode auth = root.putObject("auth");
        ObjectNode identity = auth.putObject("identity");
        switch (credentials) {
            case Credentials.Password p -> {
                identity.putArray("methods").add("password");
                ObjectNode user = identity.putObject("password").putObject("user");
                if (p.userId() != null) {
                    user.put("id", p.userId());
                } else {
                    user.put("name", p.username());
                    domain(user, p.userDomain());
                }
                user.put("password", p.password());
                ObjectNode project = auth.putObject("scope").putObject("project");
                if (p.projectId() != null) {
                    project.put("id", p.projectId());
                } else {
                    project.put("name", p.projectName());
                    domain(project, p.projectDomain());
                }
            }
            case Credentials.ApplicationCredential a -> {
                identity.putArray("methods").add("application_credential");
                ObjectNode appCred = identity.putObject("application_credential");
                if (a.id() != null) {
                    appCred.put("id", a.id());
                } else {
                    appCred.put("name", a.name());
                    ObjectNode user = appCred.putObject("user");
                    if (a.userId() != null) {
                        user.put("id", a.userId());
                    } else {
                        user.put("name", a.username());
                        domain(user, a.userDomain());
                    }
                }
                appCred.put("secret", a.secret());
            }
        }
        return root;
    }

    private static void domain(ObjectNode owner, Credentials.DomainRef domain) {
        Credentials.DomainRef ref = domain == null ? Credentials.DomainRef.DEFAULT : domain;
        ObjectNode node = owner.putObject("domain");
        if (ref.id() != null) {
            node.put("id", ref.id());
        } else {
            node.put("name", ref.name());
        }
    }
}
