package io.drover.provider.openstack.client;

import io.drover.spi.FileErrors;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Finds a cloud's configuration the way the OpenStack CLI and SDK do:
 *
 * <ol>
 *   <li>a named cloud (the {@code cloud} argument, else {@code OS_CLOUD}) is read from the first
 *       {@code clouds.yaml} that defines it, searching {@code $OS_CLIENT_CONFIG_FILE}, {@code ./clouds.yaml},
 *       {@code $XDG_CONFIG_HOME/openstack/clouds.yaml} ({@code ~/.config/openstack/clouds.yaml}) and
 *       {@code /etc/openstack/clouds.yaml}; a {@code secure.yaml} next to it may hold the secrets;
 *   <li>with no cloud named, {@code OS_AUTH_URL}, {@code OS_USERNAME}, {@code OS_PASSWORD}, ... describe it.
 * </ol>
 *
 * The environment is passed in, never read from the process, so tests and embedding code control it.
 */
public final class CloudConfigLoader {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private final Map<String, String> environment;
    private final List<Path> searchPath;

    public CloudConfigLoader(Map<String, String> environment, List<Path> searchPath) {
        this.environment = Map.copyOf(environment);
        this.searchPath = List.copyOf(searchPath);
    }

    /** The loader with the standard search path, relative to {@code workingDir} for {@code ./clouds.yaml}. */
    public static CloudConfigLoader standard(Map<String, String> environment, Path workingDir) {
        return new CloudConfigLoader(environment, standardSearchPath(environment, workingDir));
    }

    public static List<Path> standardSearchPath(Map<String, String> environment, Path workingDir) {
        List<Path> path = new ArrayList<>();
        String explicit = environment.get("OS_CLIENT_CONFIG_FILE");
        if (explicit != null && !explicit.isBlank()) {
            path.add(Path.of(explicit));
        }
        path.add(workingDir.resolve("clouds.yaml"));
        String xdg = environment.get("XDG_CONFIG_HOME");
        String home = environment.get("HOME");
        if (xdg != null && !xdg.isBlank()) {
            path.add(Path.of(xdg, "openstack", "clouds.yaml"));
        } else if (home != null && !home.isBlank()) {
            path.add(Path.of(home, ".config", "openstack", "clouds.yaml"));
        }
        path.add(Path.of("/etc/openstack/clouds.yaml"));
        return List.copyOf(path);
    }

    public List<Path> searchPath() {
        return searchPath;
    }

    /**
     * Loads the cloud named {@code cloud}, or {@code OS_CLOUD} when it is null, or the {@code OS_*} variables
     * when neither names one.
     */
    public CloudConfig load(String cloud) {
        String name = blankToNull(cloud);
        if (name == null) {
            name = blankToNull(environment.get("OS_CLOUD"));
        }
        if (name != null) {
            return fromCloudsYaml(name);
        }
        return fromEnvironment();
    }

    private CloudConfig fromCloudsYaml(String name) {
        for (Path file : searchPath) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode cloud = read(file).path("clouds").path(name);
            if (cloud.isMissingNode() || cloud.isNull()) {
                continue;
            }
            Map<String, String> settings = flatten(cloud);
            Path secure = file.resolveSibling("secure.yaml");
            if (Files.isRegularFile(secure)) {
                JsonNode secrets = read(secure).path("clouds").path(name);
                if (!secrets.isMissingNode()) {
                    settings.putAll(flatten(secrets));
                }
            }
            return build(name, settings, "cloud '" + name + "' in " + file);
        }
        throw new OpenStackException("OpenStack cloud '" + name + "' is not defined in any clouds.yaml (searched "
                + searchPath.stream().map(Path::toString).collect(Collectors.joining(", "))
                + "). Add it to one of these files, or name another cloud with OS_CLOUD or the provider setting 'cloud'.");
    }

    private CloudConfig fromEnvironment() {
        if (blankToNull(environment.get("OS_AUTH_URL")) == null) {
            throw new OpenStackException("No OpenStack cloud is configured: set OS_CLOUD (or the provider setting "
                    + "'cloud') to an entry of clouds.yaml, or set OS_AUTH_URL with OS_USERNAME, OS_PASSWORD and "
                    + "OS_PROJECT_NAME (or OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET), "
                    + "e.g. by sourcing your openrc file.");
        }
        Map<String, String> settings = new HashMap<>();
        environment.forEach((key, value) -> {
            if (key.startsWith("OS_") && value != null && !value.isBlank()) {
                settings.put(key.substring(3).toLowerCase(Locale.ROOT), value);
            }
        });
        // Aliases from the Keystone v2 days that openrc files still carry.
        settings.putIfAbsent("project_name", settings.get("tenant_name"));
        settings.putIfAbsent("project_id", settings.get("tenant_id"));
        settings.putIfAbsent("interface", settings.get("endpoint_type"));
        settings.values().removeIf(Objects::isNull);
        return build("envvars", settings, "the OS_* environment variables");
    }

    private static JsonNode read(Path file) {
        try {
            JsonNode root = YAML.readTree(Files.readString(file));
            return root == null ? YAML.createObjectNode() : root;
        } catch (IOException e) {
            throw new OpenStackException("Cannot read " + file + ": " + FileErrors.describe(e)
                    + ". Check that the file is readable.");
        } catch (JacksonException e) {
            throw new OpenStackException("Cannot parse " + file + " as YAML: " + e.getOriginalMessage()
                    + ". Fix the file's syntax.");
        }
    }

    /** The entry's scalar settings, with those of its {@code auth:} block merged in. */
    private static Map<String, String> flatten(JsonNode cloud) {
        Map<String, String> result = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : cloud.properties()) {
            if (entry.getValue().isValueNode() && !entry.getValue().isNull()) {
                result.put(entry.getKey(), entry.getValue().asString());
            }
        }
        for (Map.Entry<String, JsonNode> entry : cloud.path("auth").properties()) {
            if (entry.getValue().isValueNode() && !entry.getValue().isNull()) {
                result.put(entry.getKey(), entry.getValue().asString());
            }
        }
        return result;
    }

    private static CloudConfig build(String name, Map<String, String> s, String where) {
        String authUrl = s.get("auth_url");
        if (authUrl == null) {
            throw new OpenStackException("No auth_url in " + where + ". Add the Keystone URL, e.g. https://keystone.example.com:5000/v3.");
        }
        URI uri;
        try {
            uri = new URI(authUrl.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(authUrl, "not an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw new OpenStackException("auth_url '" + authUrl + "' in " + where + " is not a URL. Use e.g. https://keystone.example.com:5000/v3.");
        }
        String identityVersion = s.get("identity_api_version");
        if (identityVersion != null && !identityVersion.startsWith("3")) {
            throw new OpenStackException("identity_api_version " + identityVersion + " in " + where
                    + " is not supported: Drover speaks Keystone v3 only. Set it to 3.");
        }
        Credentials credentials;
        try {
            credentials = credentials(s, where);
        } catch (IllegalArgumentException e) {
            throw new OpenStackException("Incomplete credentials in " + where + ": " + e.getMessage() + ".");
        }
        String region = Optional.ofNullable(s.get("region_name")).orElse(s.get("region"));
        return new CloudConfig(name, uri, credentials, blankToNull(region), s.get("interface"));
    }

    private static Credentials credentials(Map<String, String> s, String where) {
        String authType = Optional.ofNullable(s.get("auth_type")).orElse("").toLowerCase(Locale.ROOT).replace("_", "");
        boolean appCred = authType.contains("applicationcredential")
                || (authType.isEmpty() && s.containsKey("application_credential_secret"));
        if (appCred) {
            String secret = s.get("application_credential_secret");
            if (secret == null) {
                throw new IllegalArgumentException("application_credential_secret is missing");
            }
            return new Credentials.ApplicationCredential(
                    s.get("application_credential_id"),
                    s.get("application_credential_name"),
                    s.get("user_id"),
                    s.get("username"),
                    domain(s, "user_domain"),
                    secret);
        }
        if (!authType.isEmpty() && !authType.equals("password") && !authType.equals("v3password")) {
            throw new OpenStackException("auth_type '" + s.get("auth_type") + "' in " + where
                    + " is not supported. Use password or v3applicationcredential.");
        }
        String password = s.get("password");
        if (password == null) {
            throw new IllegalArgumentException("password is missing");
        }
        return new Credentials.Password(
                s.get("user_id"),
                s.get("username"),
                domain(s, "user_domain"),
                password,
                s.get("project_id"),
                s.get("project_name"),
                domain(s, "project_domain"));
    }

    /** {@code <prefix>_id}, else {@code <prefix>_name}, else {@code default_domain}, else the {@code default} domain. */
    private static Credentials.DomainRef domain(Map<String, String> s, String prefix) {
        String id = s.get(prefix + "_id");
        String name = s.get(prefix + "_name");
        if (id != null || name != null) {
            return new Credentials.DomainRef(id, name);
        }
        String fallbackId = Optional.ofNullable(s.get("domain_id")).orElse(s.get("default_domain"));
        String fallbackName = s.get("domain_name");
        if (fallbackId != null || fallbackName != null) {
            return new Credentials.DomainRef(fallbackId, fallbackName);
        }
        return Credentials.DomainRef.DEFAULT;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
