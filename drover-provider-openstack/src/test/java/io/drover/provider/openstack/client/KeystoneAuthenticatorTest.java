package io.drover.provider.openstack.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class KeystoneAuthenticatorTest {

    @Test
    void passwordByNameIsScopedToTheNamedProject() {
        JsonNode body = KeystoneAuthenticator.body(new Credentials.Password(null, "demo",
                new Credentials.DomainRef(null, "Default"), "s3cret", null, "demo", Credentials.DomainRef.DEFAULT));
        JsonNode auth = body.path("auth");
        assertThat(auth.at("/identity/methods/0").asString()).isEqualTo("password");
        assertThat(auth.at("/identity/password/user/name").asString()).isEqualTo("demo");
        assertThat(auth.at("/identity/password/user/domain/name").asString()).isEqualTo("Default");
        assertThat(auth.at("/identity/password/user/password").asString()).isEqualTo("s3cret");
        assertThat(auth.at("/scope/project/name").asString()).isEqualTo("demo");
        assertThat(auth.at("/scope/project/domain/id").asString()).isEqualTo("default");
    }

    @Test
    void passwordByIdsNeedsNoDomains() {
        JsonNode auth = KeystoneAuthenticator.body(new Credentials.Password("u1", null, null, "pw", "p1", null, null)).path("auth");
        assertThat(auth.at("/identity/password/user/id").asString()).isEqualTo("u1");
        assertThat(auth.at("/identity/password/user/domain").isMissingNode()).isTrue();
        assertThat(auth.at("/scope/project/id").asString()).isEqualTo("p1");
    }

    @Test
    void applicationCredentialCarriesNoScope() {
        JsonNode auth = KeystoneAuthenticator.body(new Credentials.ApplicationCredential("ac1", null, null, null, null, "sec")).path("auth");
        assertThat(auth.at("/identity/methods/0").asString()).isEqualTo("application_credential");
        assertThat(auth.at("/identity/application_credential/id").asString()).isEqualTo("ac1");
        assertThat(auth.at("/identity/application_credential/secret").asString()).isEqualTo("sec");
        assertThat(auth.path("scope").isMissingNode()).isTrue();
    }

    @Test
    void applicationCredentialByNameNamesItsUser() {
        JsonNode auth = KeystoneAuthenticator.body(new Credentials.ApplicationCredential(null, "ci", null, "bob",
                new Credentials.DomainRef(null, "Users"), "sec")).path("auth");
        assertThat(auth.at("/identity/application_credential/name").asString()).isEqualTo("ci");
        assertThat(auth.at("/identity/application_credential/user/name").asString()).isEqualTo("bob");
        assertThat(auth.at("/identity/application_credential/user/domain/name").asString()).isEqualTo("Users");
    }

    @Test
    void credentialsNeverShowTheirSecrets() {
        assertThat(new Credentials.Password(null, "demo", null, "s3cret", null, "demo", null).toString())
                .doesNotContain("s3cret").contains("demo");
        assertThat(new Credentials.ApplicationCredential("ac1", null, null, null, null, "topsecret").toString())
                .doesNotContain("topsecret");
    }
}
