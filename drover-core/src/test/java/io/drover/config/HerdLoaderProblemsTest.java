package io.drover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One bad herd file per row: the loader must report exactly one problem, at the exact key or value. */
class HerdLoaderProblemsTest {

    /** @param at the expected {@code line:column}; @param fragment part of the message or hint */
    record Case(String name, String yaml, String at, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A valid herd with one cluster {@code app} (lines 1-5) followed by {@code extra} under the cluster. */
    static String app(String extra) {
        return "herd: t\nclusters:\n  app:\n    size: 1\n    image: host\n" + indent(extra, 4);
    }

    /** {@link #app} with a firstBoot section (line 6) whose body starts at line 7, column 7. */
    static String firstBoot(String body) {
        return app("firstBoot:\n" + indent(body, 2));
    }

    /** A valid herd followed by top-level {@code extra} starting at line 4. */
    static String top(String extra) {
        return "herd: t\nclusters:\n  app: {size: 1, image: host}\n" + extra;
    }

    static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        return text.lines().map(l -> l.isEmpty() ? l : pad + l).collect(Collectors.joining("\n", "", "\n"));
    }

    static Stream<Case> herdProblems() {
        return Stream.of(
                new Case("yamlSyntaxError", "herd: t\nclusters: [\n", "3:1", "YAML syntax error"),
                // The line out of place, not where the parser gave up (the line after a dedented key).
                new Case("keyDedentedOutOfItsBlock", "herd: t\nclusters:\n  app:\n    size: 1\n  image: host\n    role: plain\n", "5:3",
                        "'image: host' is indented 2 spaces, out of line with 'size:' at 4:5 (indent it like the keys of its block"),
                new Case("keyBetweenTwoIndentations", "herd: t\nclusters:\n  app:\n    size: 1\n   image: host\n", "5:4",
                        "'image: host' is indented 3 spaces, out of line with 'size:' at 4:5"),
                new Case("keyIndentedUnderAValue", "herd: t\nclusters:\n  app:\n    size: 1\n      image: host\n", "5:7",
                        "'image: host' is indented 6 spaces, deeper than 'size:' at 4:5, which holds a value already"),
                new Case("listItemKeyDedented", "herd: t\nclusters:\n  app:\n    size: 1\n    image: host\n    firstBoot:\n      passwd:\n"
                        + "        users:\n          - name: core\n           shell: /bin/sh\n", "10:12",
                        "'shell: /bin/sh' is indented 11 spaces, out of line with 'name:' at 9:13"),
                new Case("topLevelNotAMap", "- herd\n- clusters\n", "1:1", "must be a map of keys"),
                new Case("unknownTopLevelKeyWithSuggestion", top("variabels: {a: b}\n"), "4:1", "did you mean 'variables'?"),
                new Case("unknownClusterKeyWithSuggestion", app("sizee: 2\n"), "6:5", "unknown key 'sizee' in cluster 'app'"),
                new Case("unknownUserDataFormat", app("userData: cloudinit\n"), "6:15", "unknown userData format 'cloudinit'"),
                new Case("sizeNotANumber", "herd: t\nclusters:\n  app:\n    size: three\n    image: host\n", "4:11",
                        "'size' must be a whole number, got a string 'three'"),
                new Case("listWhereMapExpected", "herd: t\nclusters:\n  app: [1, 2]\n", "3:8", "'app' must be a map, got a list"),
                new Case("missingImagePointsAtCluster", "herd: t\nclusters:\n  app:\n    size: 1\n", "3:3", "missing required key 'image'"),
                new Case("missingHerdName", "clusters:\n  app: {size: 1, image: host}\n", "1:1", "missing required key 'herd'"),
                new Case("badHerdName", "herd: My_Herd\nclusters:\n  app: {size: 1, image: host}\n", "1:7", "bad herd name 'My_Herd'"),
                new Case("noClusters", "herd: t\nclusters: {}\n", "2:1", "no clusters declared"),
                new Case("badClusterName", "herd: t\nclusters:\n  Web: {size: 1, image: host}\n", "3:3", "bad cluster name 'Web'"),
                new Case("sizeZero", "herd: t\nclusters:\n  app: {size: 0, image: host}\n", "3:15", "'size' must be between 1 and 1000, got 0"),
                new Case("sizeTooLarge", "herd: t\nclusters:\n  app: {size: 1001, image: host}\n", "3:15", "between 1 and 1000"),
                new Case("evenEtcdSize", "herd: t\nclusters:\n  kv: {size: 4, role: etcd, image: host}\n", "3:14",
                        "use 3 or 5: an even member count adds no fault tolerance"),
                new Case("tooLargeEtcd", "herd: t\nclusters:\n  kv: {size: 11, role: etcd, image: host}\n", "3:14", "at most 9 members"),
                new Case("twoEtcdSpares", "herd: t\nclusters:\n  kv: {size: 3, spares: 2, role: etcd, image: host}\n", "3:25",
                        "an etcd cluster can have at most 1 spare, got 2"),
                new Case("negativeSpares", app("spares: -1\n"), "6:13", "'spares' must be between 0 and 100, got -1"),
                new Case("unknownRole", app("role: etc\n"), "6:11", "unknown role 'etc' (did you mean 'etcd'?"),
                new Case("maxUnavailableZero", app("maxUnavailable: 0\n"), "6:21", "'maxUnavailable' must be at least 1"),
                new Case("maxUnavailableAboveSize", app("maxUnavailable: 2\n"), "6:21", "maxUnavailable (2) is larger than size (1)"),
                new Case("dependsOnUnknownCluster", app("dependsOn: [apq]\n"), "6:17", "unknown cluster 'apq'"),
                new Case("dependencyCycle", "herd: t\nclusters:\n  a: {size: 1, image: host, dependsOn: [b]}\n"
                        + "  b: {size: 1, image: host, dependsOn: [a]}\n", "4:41", "dependency cycle: a -> b -> a"),
                new Case("dependencyCycleThroughReference", "herd: t\nclusters:\n  a: {size: 1, image: host, dependsOn: [b]}\n"
                        + "  b:\n    size: 1\n    image: host\n    firstBoot:\n      storage:\n        files:\n"
                        + "          - {path: /x, contents: {inline: \"peers ${clusters.a.ips}\"}}\n",
                        "10:50", "dependency cycle: a -> b -> a"),
                new Case("clusterReferencingItself", firstBoot("storage:\n  files:\n    - {path: /x, contents: {inline: '${clusters.app.ips}'}}\n"),
                        "9:44", "use ${cluster.ips}"),
                new Case("bothProviderForms", "herd: t\nprovider: {type: local}\nproviders:\n  a: {type: local}\n"
                        + "clusters:\n  app: {size: 1, image: host}\n", "3:1", "either 'provider:' or 'providers:'"),
                new Case("badProviderName", "herd: t\nproviders:\n  Site_A: {type: local}\n  b: {type: local}\n"
                        + "clusters:\n  app: {size: 1, image: host, provider: b}\n", "3:3", "bad provider name 'Site_A'"),
                new Case("clusterWithoutProviderAmongSeveral", "herd: t\nproviders:\n  a: {type: local}\n  b: {type: local}\n"
                        + "clusters:\n  app: {size: 1, image: host}\n", "6:3", "does not say which provider it runs on"),
                new Case("clusterNamingUnknownProvider", "herd: t\nproviders:\n  site-a: {type: local}\n  site-b: {type: local}\n"
                        + "clusters:\n  app: {size: 1, image: host, provider: site-c}\n", "6:41", "unknown provider 'site-c'"),
                new Case("clusterProviderMapNamingUnknownProvider", "herd: t\nproviders:\n  a: {type: cloud, endpoint: http://x}\n"
                        + "  b: {type: local}\nclusters:\n  app: {size: 1, image: host, provider: {name: c, flavor: f}}\n", "6:48",
                        "unknown provider 'c'"),
                new Case("clusterOptionsCheckedAgainstTheNamedProvider", "herd: t\nproviders:\n  a: {type: cloud, endpoint: http://x}\n"
                        + "  b: {type: local}\nclusters:\n  app: {size: 1, image: host, provider: {name: a}}\n", "6:31",
                        "missing required key 'flavor'"),
                new Case("unknownProviderType", "herd: t\nprovider: {type: clod}\nclusters:\n  app: {size: 1, image: host}\n", "2:18",
                        "did you mean 'cloud'? (known types: local, cloud)"),
                new Case("unknownProviderSetting", "herd: t\nprovider:\n  type: cloud\n  endpoint: http://x\n  retires: 2\n"
                        + "clusters:\n  app: {size: 1, image: host, provider: {flavor: f}}\n", "5:3", "did you mean 'retries'?"),
                new Case("providerSettingOfWrongKind", "herd: t\nprovider:\n  type: cloud\n  endpoint: http://x\n  insecure: yes\n"
                        + "clusters:\n  app: {size: 1, image: host, provider: {flavor: f}}\n", "5:13", "'insecure' must be true or false"),
                new Case("providerStringListGivenAString", "herd: t\nprovider:\n  type: cloud\n  endpoint: http://x\n  regions: east\n"
                        + "clusters:\n  app: {size: 1, image: host, provider: {flavor: f}}\n", "5:12", "'regions' must be a list"),
                new Case("providerMissingRequiredSetting", "herd: t\nprovider:\n  type: cloud\n"
                        + "clusters:\n  app: {size: 1, image: host, provider: {flavor: f}}\n", "2:1", "missing required key 'endpoint'"),
                new Case("clusterProviderOptionUnknown", "herd: t\nprovider: {type: cloud, endpoint: http://x}\n"
                        + "clusters:\n  app:\n    size: 1\n    image: host\n    provider:\n      flavor: big\n      volumGb: 3\n",
                        "9:7", "did you mean 'volumeGb'?"),
                new Case("clusterProviderOptionMissing", "herd: t\nprovider: {type: cloud, endpoint: http://x}\n"
                        + "clusters:\n  app:\n    size: 1\n    image: host\n", "4:3", "missing required key 'flavor'"),
                new Case("etcdBlockWithoutEtcdRole", app("etcd: {clientPort: 2379}\n"), "6:5", "only allowed in a cluster with role: etcd"),
                new Case("etcdPortOutOfRange", "herd: t\nclusters:\n  kv:\n    size: 3\n    role: etcd\n    image: host\n"
                        + "    etcd: {clientPort: 70000}\n", "7:24", "'clientPort' must be between 1 and 65535"),
                new Case("etcdPortsEqual", "herd: t\nclusters:\n  kv:\n    size: 3\n    role: etcd\n    image: host\n"
                        + "    etcd: {clientPort: 2380}\n", "7:24", "clientPort and peerPort must differ"),
                new Case("reservedEtcdFlag", "herd: t\nclusters:\n  kv:\n    size: 3\n    role: etcd\n    image: host\n"
                        + "    etcd:\n      flags:\n        initial-cluster: a=b\n", "9:9", "etcd flag 'initial-cluster' is set by Drover"),
                new Case("badEtcdFlagName", "herd: t\nclusters:\n  kv:\n    size: 3\n    role: etcd\n    image: host\n"
                        + "    etcd:\n      flags:\n        Heartbeat_Interval: 100\n", "9:9", "bad etcd flag name 'Heartbeat_Interval'"),
                new Case("unknownHealthType", app("health: {type: htp, port: 80}\n"), "6:20", "did you mean 'http'?"),
                new Case("httpHealthWithoutPort", app("health: {type: http}\n"), "6:5", "a http health check needs a port"),
                new Case("etcdHealthOnPlainCluster", app("health: {type: etcd}\n"), "6:20", "health type etcd needs a cluster with role: etcd"),
                new Case("loadBalancerWithoutNetworkHealthCheck", app("loadBalancer: {port: 8080}\n"), "6:5",
                        "a load balancer needs a cluster with an http or tcp health check"),
                new Case("loadBalancerDrainOutOfRange", app("health: {type: http, port: 8080}\nloadBalancer: {port: 80, drain: 1h}\n"), "7:37",
                        "drain must be at most 15m, got 1h"),
                new Case("loadBalancerUnknownKey", app("health: {type: http, port: 8080}\nloadBalancer: {port: 80, drian: 5s}\n"), "7:30",
                        "did you mean 'drain'?"),
                new Case("loadBalancerUnknownProvider", app("health: {type: http, port: 8080}\nloadBalancer: {port: 80, provider: defualt}\n"), "7:40",
                        "the load balancer names unknown provider 'defualt'"),
                new Case("loadBalancerPortOutOfRange", app("health: {type: tcp, port: 8080}\nloadBalancer: {port: 0}\n"), "7:26",
                        "'port' must be between 1 and 65535"),
                new Case("loadBalancerPortInUse", "herd: t\nclusters:\n  a:\n    size: 1\n    image: host\n    health: {type: tcp, port: 80}\n"
                        + "    loadBalancer: {port: 8080}\n  b:\n    size: 1\n    image: host\n    health: {type: tcp, port: 80}\n"
                        + "    loadBalancer: {port: 8080}\n", "12:26", "port 8080 is already used by the load balancer at line 7"),
                new Case("healthPathWithoutSlash", app("health: {type: http, port: 80, path: healthz}\n"), "6:42", "must start with /"),
                new Case("badDuration", app("health:\n  interval: 5 seconds\n"), "7:17", "'interval' must be a duration, got a string '5 seconds'"),
                new Case("zeroDuration", app("health:\n  timeout: 0s\n"), "7:16", "'timeout' must be longer than zero"),
                new Case("duplicateKey", "herd: t\nclusters:\n  app: {size: 1, image: host}\nherd: u\n", "4:1", "duplicate key 'herd'"),
                new Case("referenceInAVariable", top("variables: {a: '${var.a}'}\n"), "4:17",
                        "variable 'a' holds '${var.a}', but a variable's value is used as written: references in it are not resolved (write $${var.a} for a literal ${var.a}"),
                new Case("referenceInABlockVariable", top("variables:\n  motd: |\n    hello\n    from ${server.name}\n"), "7:10",
                        "variable 'motd' holds '${server.name}'"),
                new Case("badVariableName", top("variables:\n  1st: x\n"), "5:3", "bad variable name '1st'"),
                new Case("unclosedTemplate", top("outputs:\n  ips: \"at ${clusters.app.ips\"\n"), "5:12", "unclosed ${"),
                new Case("undefinedVariable", top("variables: {domain: x}\noutputs:\n  url: http://${var.domian}\n"), "6:15",
                        "undefined variable 'domian'"),
                new Case("referenceToUnknownCluster", top("outputs:\n  ips: ${clusters.ap.ips}\n"), "5:8", "unknown cluster 'ap'"),
                new Case("referenceToUnknownClusterAttribute", top("outputs:\n  ips: ${clusters.app.ip}\n"), "5:8",
                        "unknown cluster attribute 'ip'"),
                new Case("serverReferenceInOutput", top("outputs:\n  ip: {value: '${server.ip}'}\n"), "5:16", "${server.ip} has no value in outputs"),
                new Case("unknownReferenceNamespace", top("outputs:\n  home: ${HOME}\n"), "5:9", "write $${HOME} for a literal ${HOME}"),
                new Case("unknownAlias", "herd: t\nclusters:\n  app: *base\n", "3:8", "unknown alias '*base'"),
                // Values rendered into unit files and command lines: one line, no control characters, flags etcd knows.
                new Case("lineBreakInEtcdFlagValue", etcd("flags:\n  heartbeat-interval: \"100\\nExecStartPre=/bin/touch /tmp/x\"\n"),
                        "9:33", "'heartbeat-interval' holds a line break (U+000A): this value must be one line"),
                new Case("unknownEtcdFlag", etcd("flags:\n  no-such-flag: 1\n"), "9:9", "unknown etcd flag 'no-such-flag'"),
                new Case("misspeltEtcdFlag", etcd("flags:\n  heartbeat-intervall: 100\n"), "9:9", "did you mean 'heartbeat-interval'?"),
                new Case("etcdFlagOfAnotherVersion", etcd("container: quay.io/coreos/etcd:v3.4.27\nflags:\n  feature-gates: StopGRPCServiceOnDefrag=true\n"),
                        "10:9", "etcd 3.4 (image quay.io/coreos/etcd:v3.4.27) has no flag 'feature-gates' (it exists in etcd 3.6"),
                // etcd's own rules between its flags: a member refused by them exits at start.
                new Case("electionTimeoutUnderFiveHeartbeats", etcd("flags:\n  heartbeat-interval: 225\n  election-timeout: 1000\n"),
                        "10:27", "the election timeout must be at least 5 times the heartbeat interval (set election-timeout to at least 1125"),
                new Case("heartbeatTooLongForTheDefaultElectionTimeout", etcd("flags:\n  heartbeat-interval: 300\n"), "9:29",
                        "etcd's default election-timeout is 1000"),
                new Case("electionTimeoutAboveEtcdsMaximum", etcd("flags:\n  election-timeout: 60000\n"), "9:27", "at most 50000 ms"),
                new Case("zeroHeartbeat", etcd("flags:\n  heartbeat-interval: 0\n"), "9:29", "etcd refuses heartbeat-interval 0"),
                new Case("negativeSnapshotCount", etcd("flags:\n  snapshot-count: -1\n"), "9:25",
                        "etcd flag 'snapshot-count' must be a non-negative whole number, got '-1'"),
                new Case("heartbeatWithAUnit", etcd("flags:\n  heartbeat-interval: 100ms\n"), "9:29", "write milliseconds without a unit"),
                new Case("unknownAutoCompactionMode", etcd("flags:\n  auto-compaction-mode: hourly\n"), "9:31", "use periodic or revision"),
                new Case("tlsFlagDroverSets", etcd("flags:\n  cert-file: /etc/my.pem\n"), "9:9", "etcd flag 'cert-file' is set by Drover when tls is on"),
                new Case("configFileFlag", etcd("flags:\n  config-file: /etc/etcd.yaml\n"), "9:9", "etcd flag 'config-file' is set by Drover"),
                new Case("tabAfterAnEscapeInAQuotedValue", "herd: t\nclusters:\n  app:\n    size: 1\n    image: \"h\\u00e9\\tx\"\n", "5:20",
                        "'image' holds a tab (U+0009)"),
                new Case("tabAfterADoubledQuote", "herd: t\nclusters:\n  app:\n    size: 1\n    image: 'it''s\tx'\n", "5:18", "'image' holds a tab"),
                new Case("lineBreakFromAVariableIntoAUnitFile", "herd: t\nvariables:\n  opts: \"-a\\n-b\"\nclusters:\n  app:\n    size: 1\n"
                        + "    image: host\n    firstBoot:\n      systemd:\n        units:\n          - name: a.service\n            contents: |\n"
                        + "              [Service]\n              ExecStart=/bin/app ${var.opts}\n", "14:34",
                        "variable 'opts' holds a line break (U+000A), but ${var.opts} is used where the value must be one line"),
                new Case("healthPathWithASpace", app("health: {type: http, port: 80, path: /he alth}\n"), "6:45",
                        "health path '/he alth' is not a valid URL path: illegal character in path"),
                new Case("providerRefusesASettingsValue", "herd: t\nprovider: {type: cloud, endpoint: ftp://x}\n"
                        + "clusters:\n  app: {size: 1, image: host, provider: {flavor: f}}\n", "2:35",
                        "bad value for 'endpoint' in provider (cloud): 'ftp://x' is not an http or https URL (e.g. https://"),
                new Case("providerRefusesAClusterOption", "herd: t\nprovider: {type: cloud, endpoint: http://x}\n"
                        + "clusters:\n  app: {size: 1, image: host, provider: {flavor: f, volumeGb: 5000}}\n", "4:63",
                        "bad value for 'volumeGb' in the provider options of cluster 'app': volumes have at most 1000 GB, got 5000"),
                new Case("unknownStateBackend", top("state: {backend: consul}\n"), "4:18", "unknown state backend 'consul'"),
                new Case("stateEndpointWithoutPort", top("state:\n  backend: etcd\n  endpoints: [https://10.0.0.5]\n"), "6:15",
                        "needs a host and a port"),
                new Case("stateEndpointNotHttp", top("state:\n  backend: etcd\n  endpoints: [grpc://10.0.0.5:2379]\n"), "6:15",
                        "must start with http:// or https://"),
                new Case("statePrefixWithoutSlash", top("state: {backend: etcd, prefix: drover/x}\n"), "4:32", "bad etcd key prefix"),
                new Case("etcdSettingOnFileBackend", top("state:\n  endpoints: [http://127.0.0.1:2379]\n"), "5:3",
                        "'endpoints' is only used with backend: etcd"),
                new Case("lockTtlTooShort", top("state: {backend: etcd, lockTtl: 500ms}\n"), "4:33", "lockTtl must be between 2s and 1h"),
                new Case("tlsCertWithoutKey", top("state:\n  backend: etcd\n  tls: {ca: ca.pem, cert: c.pem}\n"), "6:3",
                        "needs both 'cert' and 'key'"),
                new Case("encryptionWithTwoKeys", top("state:\n  encryption: {passphraseEnv: P, keyEnv: K}\n"), "5:34",
                        "names more than one key"),
                new Case("encryptionWithoutKey", top("state:\n  encryption: {iterations: 600000}\n"), "5:3", "names no key"),
                new Case("tooFewIterations", top("state:\n  encryption: {passphraseEnv: P, iterations: 1000}\n"), "5:46",
                        "'iterations' must be between 210000 and 10000000"),
                new Case("passphraseInsteadOfVariable", top("state:\n  encryption: {passphraseEnv: 'my secret words'}\n"), "5:31",
                        "is not an environment variable name"),
                new Case("unknownEncryptionKey", top("state:\n  encryption: {passphraseEnv: P, iteration: 600000}\n"), "5:34",
                        "did you mean 'iterations'?"));
    }

    /** A valid etcd cluster {@code kv} whose {@code etcd:} block (line 7) holds {@code body} from line 8, column 7. */
    static String etcd(String body) {
        return "herd: t\nclusters:\n  kv:\n    size: 3\n    role: etcd\n    image: host\n    etcd:\n" + indent(body, 6);
    }

    static Stream<Case> firstBootProblems() {
        return Stream.of(
                new Case("relativeFilePath", "storage:\n  files:\n    - path: etc/motd\n", "9:19", "file path 'etc/motd' must be absolute"),
                new Case("dotDotInPath", "storage:\n  directories:\n    - path: /var/../etc\n", "9:19", "must not contain '..'"),
                new Case("trailingSlashOnFile", "storage:\n  files:\n    - path: /etc/motd/\n", "9:19", "must not end with /"),
                new Case("templateInPath", "storage:\n  files:\n    - path: /etc/${server.name}\n", "9:19", "cannot contain a template"),
                new Case("duplicateFilePath", "storage:\n  files:\n    - path: /etc/motd\n    - path: /etc/motd\n", "10:19",
                        "duplicate path '/etc/motd' (already declared at line 9)"),
                new Case("fileAndDirectoryOnOnePath", "storage:\n  directories:\n    - path: /etc/app\n  files:\n    - path: /etc/app\n",
                        "11:19", "duplicate path '/etc/app'"),
                new Case("linkAndFileOnOnePath", "storage:\n  files:\n    - path: /x\n  links:\n    - {path: /x, target: /y}\n",
                        "11:20", "duplicate path '/x'"),
                new Case("modeOutOfRange", "storage:\n  files:\n    - {path: /x, mode: 010000}\n", "9:30", "mode 010000 is out of range"),
                new Case("modeQuoted", "storage:\n  files:\n    - {path: /x, mode: \"0644\"}\n", "9:30", "mode must be an unquoted number"),
                new Case("modeNotOctal", "storage:\n  files:\n    - {path: /x, mode: 0855}\n", "9:30", "mode '0855' is not a number"),
                new Case("inlineAndLocal", "storage:\n  files:\n    - path: /x\n      contents: {inline: a, local: b.txt}\n", "10:35",
                        "has both 'inline' and 'local'"),
                new Case("neitherInlineNorLocal", "storage:\n  files:\n    - path: /x\n      contents: {}\n", "10:13", "needs 'inline' or 'local'"),
                new Case("localFileMissing", "storage:\n  files:\n    - path: /x\n      contents: {local: no-such-file.txt}\n", "10:31",
                        "local file 'no-such-file.txt' not found"),
                new Case("unitNameWithoutSuffix", "systemd:\n  units:\n    - name: web\n", "9:19", "'web' is not a systemd unit name"),
                new Case("serviceWithoutExecStart", "systemd:\n  units:\n    - name: job.service\n      contents: |\n"
                        + "        [Service]\n        Type=oneshot\n", "10:23", "job.service has no ExecStart="),
                new Case("unitLineOutsideSection", "systemd:\n  units:\n    - name: a.timer\n      contents: |\n"
                        + "        OnCalendar=daily\n", "11:15", "line 'OnCalendar=daily' is outside a section"),
                new Case("unitLineWithoutEquals", "systemd:\n  units:\n    - name: a.timer\n      contents: |\n"
                        + "        [Timer]\n        OnCalendar daily\n", "12:15", "line 'OnCalendar daily' is not Key=value"),
                new Case("duplicateUnit", "systemd:\n  units:\n    - name: a.target\n    - name: a.target\n", "10:19", "duplicate unit 'a.target'"),
                new Case("dropinNameWithoutConf", "systemd:\n  units:\n    - name: a.service\n      dropins:\n"
                        + "        - {name: override, contents: \"[Service]\"}\n", "11:24", "drop-in name 'override' must end with .conf"),
                new Case("duplicateDropin", "systemd:\n  units:\n    - name: a.service\n      dropins:\n"
                        + "        - {name: a.conf, contents: \"[Service]\"}\n        - {name: a.conf, contents: \"[Unit]\"}\n",
                        "12:24", "duplicate drop-in 'a.conf'"),
                new Case("userWithoutName", "passwd:\n  users:\n    - groups: [sudo]\n", "9:13", "missing required key 'name' in user"),
                new Case("duplicateUser", "passwd:\n  users:\n    - name: core\n    - name: core\n", "10:19", "duplicate user 'core'"),
                new Case("badSshKey", "passwd:\n  users:\n    - name: core\n      ssh_authorized_keys: [AAAAC3Nza]\n", "10:35",
                        "'AAAAC3Nza' is not an SSH public key"),
                new Case("relativeShell", "passwd:\n  users:\n    - {name: core, shell: bash}\n", "9:33", "'shell' must be an absolute path"),
                new Case("relativeHome", "passwd:\n  users:\n    - {name: core, home_dir: home/core}\n", "9:36", "'home_dir' must be an absolute path"),
                new Case("linkWithoutTarget", "storage:\n  links:\n    - path: /etc/localtime\n", "9:13", "missing required key 'target' in link"),
                new Case("enabledNotBoolean", "systemd:\n  units:\n    - {name: a.service, enabled: yes}\n", "9:40", "'enabled' must be true or false"),
                new Case("doubleSlashInPath", "storage:\n  directories:\n    - path: /var//lib\n", "9:19", "without //"),
                new Case("badOwnerName", "storage:\n  files:\n    - {path: /x, user: {name: 9lives}}\n", "9:37",
                        "'9lives' is not a valid user or group name"),
                new Case("relativeHardLinkTarget", "storage:\n  links:\n    - {path: /x, target: y, hard: true}\n", "9:32",
                        "the target of a hard link must be absolute"),
                new Case("unknownButaneKey", "storage:\n  files:\n    - {path: /x, append: []}\n", "9:24", "unknown key 'append' in file"),
                new Case("unknownFirstBootSection", "storge: {}\n", "7:7", "did you mean 'storage'?"),
                new Case("unknownClusterAttributeInFirstBoot", "storage:\n  files:\n    - {path: /x, contents: {inline: 'n=${cluster.nmae}'}}\n",
                        "9:46", "did you mean 'name'?"),
                new Case("escapeCharacterInAUnitFile", "systemd:\n  units:\n    - name: a.service\n"
                        + "      contents: \"[Service]\\nExecStart=/bin/x\\e[31m\"\n", "10:51", "a.service holds an escape character (U+001B)"),
                new Case("lineBreakInALinkTarget", "storage:\n  links:\n    - {path: /x, target: \"/y\\nz\"}\n", "9:35",
                        "'target' holds a line break"),
                new Case("shellVariableInUnitNeedsEscaping", "systemd:\n  units:\n    - name: a.service\n      contents: |\n"
                        + "        [Service]\n        ExecStart=/bin/echo ${HOME}\n", "12:35", "write $${HOME}"))
                .map(c -> new Case(c.name(), firstBoot(c.yaml()), c.at(), c.fragment()));
    }

    /** A herd with image {@code etcd} (lines 2-4) whose body goes on at line 5, column 5, run by cluster {@code app}. */
    static String image(String extra) {
        return "herd: t\nimages:\n  etcd:\n    base: debian:bookworm\n" + indent(extra, 4)
                + "clusters:\n  app: {size: 1, image: '${images.etcd}'}\n";
    }

    static Stream<Case> imageProblems() {
        String oneImage = "herd: t\nimages:\n  etcd: {base: 'debian:bookworm'}\nclusters:\n";
        return Stream.of(
                new Case("unknownImageKey", image("pakages: [etcd-server]\n"), "5:5", "did you mean 'packages'?"),
                new Case("badPackageName", image("packages: [Etcd_Server]\n"), "5:16", "'Etcd_Server' is not a Debian package name"),
                new Case("duplicatePackage", image("packages: [etcd-server, etcd-server]\n"), "5:29", "listed twice"),
                new Case("unknownOutputFormat", image("outputs: [qcow]\n"), "5:15", "did you mean 'qcow2'?"),
                new Case("emptyRunStep", image("run: ['']\n"), "5:11", "empty run step"),
                new Case("relativeImageFilePath", image("files:\n  - path: etc/motd\n"), "6:15", "must be absolute"),
                new Case("serverReferenceInImage", image("run: ['echo ${server.ip}']\n"), "5:17", "${server.ip} has no value in an image"),
                new Case("badMirror", image("mirror: ftp.debian.org\n"), "5:13", "not an http(s) mirror URL"),
                new Case("unknownSuite", "herd: t\nimages:\n  etcd: {base: 'debian:bookwrm'}\nclusters:\n  app: {size: 1, image: host}\n",
                        "3:16", "did you mean 'bookworm'?"),
                new Case("missingBaseDirectory", "herd: t\nimages:\n  etcd: {base: ./no-such-rootfs}\nclusters:\n  app: {size: 1, image: host}\n",
                        "3:16", "neither debian:SUITE"),
                new Case("missingBase", "herd: t\nimages:\n  etcd: {packages: [etcd-server]}\nclusters:\n  app: {size: 1, image: host}\n",
                        "3:3", "missing required key 'base'"),
                new Case("unknownBaseImage", "herd: t\nimages:\n  etcd: {base: '${images.bse}'}\n  base: {base: 'debian:bookworm'}\n"
                        + "clusters:\n  app: {size: 1, image: host}\n", "3:16", "did you mean 'base'?"),
                new Case("imagesInACycle", "herd: t\nimages:\n  a: {base: '${images.b}'}\n  b: {base: '${images.a}'}\n"
                        + "clusters:\n  app: {size: 1, image: host}\n", "3:13", "cycle: a -> b -> a"),
                new Case("unknownImageInCluster", oneImage + "  app: {size: 1, image: '${images.etdc}'}\n", "5:25",
                        "unknown image 'etdc' in ${images.etdc}"),
                new Case("imageReferenceWithoutImages", top("").replace("image: host", "image: '${images.etcd}'"), "3:25",
                        "declare it under 'images:'"),
                new Case("malformedImageReference", oneImage + "  app: {size: 1, image: '${image.etcd}'}\n", "5:25",
                        "is not an image reference"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"herdProblems", "firstBootProblems", "imageProblems"})
    void reportsOneProblemAtTheOffendingKeyOrValue(Case c) {
        HerdLoader loader = new HerdLoader(FakeProviderFactory.ALL);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.parse(c.yaml(), Path.of("drover.yaml")));

        assertThat(e).as("expected a ConfigException for\n" + c.yaml()).isNotNull();
        assertThat(e.problems()).as(c.yaml() + "\nproblems: " + e.problems()).singleElement().satisfies(p -> {
            assertThat(p.where().line() + ":" + p.where().column()).as(p.toString()).isEqualTo(c.at());
            assertThat(p.toString()).contains(c.fragment());
            assertThat(p.hint()).as(p.toString()).isNotBlank();
        });
    }
}
