package io.drover.provider.openstack.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudConfigLoaderTest {
    @TempDir
    Path dir;

    private static final String CLOUDS = """
            clouds:
              lab:
                auth:
                  auth_url: https://keystone.lab:5000/v3
                  username: alice
                  password: wonderland
                  project_name: rabbits
                  user_domain_name: Users
                  project_domain_id: d42
                region_name: RegionTwo
                interface: internal
              ci:
                auth_type: v3applicationcredential
                auth:
                  auth_url: https://keystone.ci:5000
                  application_credential_id: ac-1
                  application_credential_secret: hush
            """;

    @Test
    void readsANamedCloudWithPasswordAuth() throws IOException {
        CloudConfig config = loader(Map.of(), write("first/clouds.yaml", CLOUDS)).load("lab");

        assertThat(config.name()).isEqualTo("lab");
        assertThat(config.authUrl()).isEqualTo(URI.create("https://keystone.lab:5000/v3"));
        assertThat(config.region()).isEqualTo("RegionTwo");
        assertThat(config.interfaceName()).isEqualTo("internal");
        Credentials.Password password = (Credentials.Password) config.credentials();
        assertThat(password.username()).isEqualTo("alice");
        assertThat(password.password()).isEqualTo("wonderland");
        assertThat(password.projectName()).isEqualTo("rabbits");
        assertThat(password.userDomain()).isEqualTo(new Credentials.DomainRef(null, "Users"));
        assertThat(password.projectDomain()).isEqualTo(new Credentials.DomainRef("d42", null));
    }

    @Test
    void osCloudSelectsTheCloudWhenNoneIsNamed() throws IOException {
        CloudConfig config = loader(Map.of("OS_CLOUD", "ci"), write("clouds.yaml", CLOUDS)).load(null);

        assertThat(config.name()).isEqualTo("ci");
        assertThat(config.credentials()).isInstanceOf(Credentials.ApplicationCredential.class);
        assertThat(((Credentials.ApplicationCredential) config.credentials()).id()).isEqualTo("ac-1");
        assertThat(config.identityV3()).isEqualTo(URI.create("https://keystone.ci:5000/v3"));
        assertThat(config.interfaceName()).isEqualTo("public");
    }

    @Test
    void theSettingWinsOverOsCloud() throws IOException {
        CloudConfig config = loader(Map.of("OS_CLOUD", "ci"), write("clouds.yaml", CLOUDS)).load("lab");
        assertThat(config.name()).isEqualTo("lab");
    }

    @Test
    void usesTheFirstFileOnTheSearchPathThatDefinesTheCloud() throws IOException {
        Path first = write("a/clouds.yaml", "clouds:\n  other:\n    auth: {auth_url: http://x/v3, username: u, password: p, project_name: q}\n");
        Path second = write("b/clouds.yaml", CLOUDS);
        Path third = write("c/clouds.yaml", CLOUDS.replace("RegionTwo", "RegionThree"));

        CloudConfig config = new CloudConfigLoader(Map.of(), List.of(dir.resolve("missing.yaml"), first, second, third)).load("lab");

        assertThat(config.region()).isEqualTo("RegionTwo");
    }

    @Test
    void mergesSecretsFromSecureYamlNextToCloudsYaml() throws IOException {
        Path clouds = write("s/clouds.yaml", CLOUDS.replace("      password: wonderland\n", ""));
        write("s/secure.yaml", "clouds:\n  lab:\n    auth:\n      password: from-secure\n");

        Credentials.Password password = (Credentials.Password) loader(Map.of(), clouds).load("lab").credentials();

        assertThat(password.password()).isEqualTo("from-secure");
    }

    @Test
    void readsOsVariablesWhenNoCloudIsNamed() {
        Map<String, String> env = Map.of(
                "OS_AUTH_URL", "http://127.0.0.1:5000/v3",
                "OS_USERNAME", "demo",
                "OS_PASSWORD", "secret",
                "OS_PROJECT_NAME", "demo",
                "OS_USER_DOMAIN_NAME", "Default",
                "OS_PROJECT_DOMAIN_NAME", "Default",
                "OS_REGION_NAME", "RegionOne",
                "OS_INTERFACE", "internal");

        CloudConfig config = new CloudConfigLoader(env, List.of()).load(null);

        assertThat(config.name()).isEqualTo("envvars");
        assertThat(config.region()).isEqualTo("RegionOne");
        assertThat(config.interfaceName()).isEqualTo("internal");
        Credentials.Password password = (Credentials.Password) config.credentials();
        assertThat(password.username()).isEqualTo("demo");
        assertThat(password.projectDomain()).isEqualTo(new Credentials.DomainRef(null, "Default"));
    }

    @Test
    void readsApplicationCredentialsFromOsVariables() {
        Map<String, String> env = Map.of(
                "OS_AUTH_URL", "http://127.0.0.1:5000/v3",
                "OS_AUTH_TYPE", "v3applicationcredential",
                "OS_APPLICATION_CREDENTIAL_ID", "ac-9",
                "OS_APPLICATION_CREDENTIAL_SECRET", "hush");

        Credentials credentials = new CloudConfigLoader(env, List.of()).load(null).credentials();

        assertThat(credentials).isEqualTo(new Credentials.ApplicationCredential("ac-9", null, null, null, Credentials.DomainRef.DEFAULT, "hush"));
    }

    @Test
    void domainsDefaultToTheDefaultDomain() {
        Map<String, String> env = Map.of("OS_AUTH_URL", "http://k/v3", "OS_USERNAME", "u", "OS_PASSWORD", "p", "OS_PROJECT_NAME", "q");
        Credentials.Password password = (Credentials.Password) new CloudConfigLoader(env, List.of()).load(null).credentials();
        assertThat(password.userDomain()).isEqualTo(Credentials.DomainRef.DEFAULT);
        assertThat(password.projectDomain()).isEqualTo(Credentials.DomainRef.DEFAULT);
    }

    @Test
    void unknownCloudNamesTheFilesSearched() throws IOException {
        Path clouds = write("clouds.yaml", CLOUDS);
        assertThatThrownBy(() -> loader(Map.of(), clouds).load("nowhere"))
                .isInstanceOf(OpenStackException.class)
                .hasMessageContaining("'nowhere' is not defined")
                .hasMessageContaining(clouds.toString());
    }

    @Test
    void nothingConfiguredExplainsBothWays() {
        assertThatThrownBy(() -> new CloudConfigLoader(Map.of(), List.of()).load(null))
                .hasMessageContaining("OS_CLOUD")
                .hasMessageContaining("OS_AUTH_URL");
    }

    @Test
    void missingPasswordIsReportedWithoutOtherValues() {
        Map<String, String> env = Map.of("OS_AUTH_URL", "http://k/v3", "OS_USERNAME", "u", "OS_PROJECT_NAME", "q");
        assertThatThrownBy(() -> new CloudConfigLoader(env, List.of()).load(null))
                .hasMessageContaining("password is missing")
                .hasMessageContaining("OS_* environment variables");
    }

    @Test
    void brokenYamlIsReportedWithTheFile() throws IOException {
        Path clouds = write("clouds.yaml", "clouds:\n  lab: [unclosed\n");
        assertThatThrownBy(() -> loader(Map.of(), clouds).load("lab"))
                .hasMessageContaining("Cannot parse " + clouds);
    }

    @Test
    void unsupportedAuthTypeIsRejected() throws IOException {
        Path clouds = write("clouds.yaml", "clouds:\n  t:\n    auth_type: v3token\n    auth: {auth_url: http://k/v3, token: abc}\n");
        assertThatThrownBy(() -> loader(Map.of(), clouds).load("t")).hasMessageContaining("auth_type 'v3token'");
    }

    @Test
    void configToStringHidesThePassword() throws IOException {
        CloudConfig config = loader(Map.of(), write("clouds.yaml", CLOUDS)).load("lab");
        assertThat(config.toString()).doesNotContain("wonderland").contains("alice");
    }

    @Test
    void standardSearchPathFollowsXdgAndFallsBackToHome() {
        Path work = dir.resolve("work");
        assertThat(CloudConfigLoader.standardSearchPath(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h"), work))
                .containsExactly(work.resolve("clouds.yaml"), Path.of("/x/openstack/clouds.yaml"), Path.of("/etc/openstack/clouds.yaml"));
        assertThat(CloudConfigLoader.standardSearchPath(Map.of("HOME", "/h", "OS_CLIENT_CONFIG_FILE", "/c.yaml"), work))
                .containsExactly(Path.of("/c.yaml"), work.resolve("clouds.yaml"), Path.of("/h/.config/openstack/clouds.yaml"),
                        Path.of("/etc/openstack/clouds.yaml"));
    }

    private CloudConfigLoader loader(Map<String, String> env, Path file) {
        return new CloudConfigLoader(env, List.of(file));
    }

    private Path write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
