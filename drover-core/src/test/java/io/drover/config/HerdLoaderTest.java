package io.drover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.drover.render.Directory;
import io.drover.render.FileEntry;
import io.drover.render.FirstBoot;
import io.drover.render.Link;
import io.drover.render.Owner;
import io.drover.render.Unit;
import io.drover.render.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HerdLoaderTest {

    static final String FULL = """
            herd: shop
            provider:
              type: cloud
              endpoint: https://cloud.example:5000/v3
              timeout: 1m30s
              retries: 5
              insecure: true
              regions: [east, west]
              labels: {team: web, cost: 12}
            variables:
              domain: example.org
              replicas: 3
            clusters:
              etcd:
                size: 3
                role: etcd
                spares: 1
                image: flatcar-stable
                provider:
                  flavor: m1.small
                etcd:
                  clientPort: 12379
                  peerPort: 12380
                  flags:
                    heartbeat-interval: 100
                    election-timeout: 1000
                    auto-compaction-mode: periodic
              web:
                size: 4
                image: host
                maxUnavailable: 2
                dependsOn: [etcd]
                antiAffinity: true
                provider: {flavor: m1.large, volumeGb: 40}
                health:
                  type: http
                  port: 8080
                  path: /healthz
                  interval: 500ms
                  timeout: 2s
                  startTimeout: 2m
                  failures: 5
                firstBoot:
                  passwd:
                    users:
                      - name: core
                        ssh_authorized_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 me@host"]
                        groups: [sudo, docker]
                        home_dir: /home/core
                        shell: /bin/bash
                  storage:
                    directories:
                      - path: /var/lib/app
                        mode: 0755
                        user: {name: core}
                        group: {name: core}
                    files:
                      - path: /etc/motd
                        mode: 420
                        overwrite: false
                        contents:
                          inline: "hello ${server.name} of ${herd.name} in ${var.domain}"
                      - path: /etc/app/banner
                        mode: 0o600
                        contents:
                          local: banner.txt
                      - path: /etc/app/etcd
                        contents:
                          inline: ${clusters.etcd.endpoints}
                    links:
                      - path: /etc/localtime
                        target: /usr/share/zoneinfo/UTC
                      - path: /usr/local/bin/app
                        target: /opt/app/bin/app
                        hard: true
                  systemd:
                    units:
                      - name: web.service
                        enabled: true
                        contents: |
                          [Unit]
                          Description=web ${server.index} of ${cluster.size}
                          [Service]
                          ExecStart=/usr/bin/python3 -m http.server 8080 \\
                            --bind ${server.ip}
                          Restart=always
                          [Install]
                          WantedBy=multi-user.target
                        dropins:
                          - name: 10-env.conf
                            contents: |
                              [Service]
                              Environment=PEERS=${cluster.ips}
                      - name: sshd.socket
                        enabled: false
            outputs:
              etcd_endpoints: ${clusters.etcd.endpoints}
              web_ips:
                value: "http://${clusters.web.ips}:8080"
                description: where the shop answers
            """;

    @TempDir
    Path dir;

    final HerdLoader loader = new HerdLoader(FakeProviderFactory.ALL);

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void loadsEveryFeatureOfAFullHerdFile() throws Exception {
        write("banner.txt", "welcome to ${server.name}\n");
        Path file = write("drover.yaml", FULL);

        Herd herd = loader.load(file);

        assertThat(herd.name()).isEqualTo("shop");
        assertThat(herd.file()).isEqualTo(file);
        assertThat(herd.provider().type()).isEqualTo("cloud");
        assertThat(herd.provider().position()).isEqualTo(new SourcePosition(file, 2, 1));
        assertThat(herd.provider().settings()).containsOnly(
                Map.entry("endpoint", "https://cloud.example:5000/v3"),
                Map.entry("timeout", Duration.ofSeconds(90)),
                Map.entry("retries", 5L),
                Map.entry("insecure", true),
                Map.entry("regions", List.of("east", "west")),
                Map.entry("labels", Map.of("team", "web", "cost", "12")));
        assertThat(herd.variables()).containsOnly(Map.entry("domain", "example.org"), Map.entry("replicas", "3"));
        assertThat(herd.clusters().keySet()).containsExactly("etcd", "web");

        Cluster etcd = herd.clusters().get("etcd");
        assertThat(etcd).isEqualTo(new Cluster("etcd", 3, Role.ETCD, "flatcar-stable", 1, List.of(),
                new EtcdOptions(12379, 12380, Map.of("heartbeat-interval", "100", "election-timeout", "1000",
                        "auto-compaction-mode", "periodic"), true, null),
                HealthCheck.defaultFor(Role.ETCD), FirstBoot.EMPTY, Map.of("flavor", "m1.small", "volumeGb", 10L), true,
                new SourcePosition(file, 14, 3), Cluster.UserDataFormat.IGNITION, "default").withSpares(1));

        Cluster web = herd.clusters().get("web");
        assertThat(web.size()).isEqualTo(4);
        assertThat(web.role()).isEqualTo(Role.PLAIN);
        assertThat(web.image()).isEqualTo("host");
        assertThat(web.maxUnavailable()).isEqualTo(2);
        assertThat(web.spares()).as("no spares unless asked").isZero();
        assertThat(herd.clusters().get("etcd").spares()).isEqualTo(1);
        assertThat(web.dependsOn()).containsExactly("etcd");
        assertThat(web.antiAffinity()).isTrue();
        assertThat(web.etcd()).isEqualTo(EtcdOptions.DEFAULT);
        assertThat(web.providerOptions()).containsOnly(Map.entry("flavor", "m1.large"), Map.entry("volumeGb", 40L));
        assertThat(web.health()).isEqualTo(new HealthCheck(HealthCheck.Type.HTTP, 8080, "/healthz", Duration.ofMillis(500),
                Duration.ofSeconds(2), Duration.ofMinutes(2), 5));

        FirstBoot boot = web.firstBoot();
        assertThat(boot.users()).containsExactly(new User("core", List.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 me@host"),
                List.of("sudo", "docker"), "/home/core", "/bin/bash"));
        assertThat(boot.directories()).containsExactly(new Directory("/var/lib/app", 0755, new Owner("core", "core")));
        assertThat(boot.files()).containsExactly(
                new FileEntry("/etc/motd", 420, Owner.ROOT, "hello ${server.name} of ${herd.name} in ${var.domain}", false),
                new FileEntry("/etc/app/banner", 0600, Owner.ROOT, "welcome to ${server.name}\n", true),
                new FileEntry("/etc/app/etcd", null, Owner.ROOT, "${clusters.etcd.endpoints}", true));
        assertThat(boot.links()).containsExactly(
                new Link("/etc/localtime", "/usr/share/zoneinfo/UTC", false, Owner.ROOT),
                new Link("/usr/local/bin/app", "/opt/app/bin/app", true, Owner.ROOT));
        assertThat(boot.units()).hasSize(2);
        Unit service = boot.units().get(0);
        assertThat(service.name()).isEqualTo("web.service");
        assertThat(service.enabled()).isTrue();
        assertThat(service.contents()).startsWith("[Unit]\nDescription=web ${server.index} of ${cluster.size}\n")
                .contains("--bind ${server.ip}\n");
        assertThat(service.dropins()).containsExactly(new Unit.DropIn("10-env.conf", "[Service]\nEnvironment=PEERS=${cluster.ips}\n"));
        assertThat(boot.units().get(1)).isEqualTo(new Unit("sshd.socket", false, null, List.of()));

        assertThat(herd.outputs().keySet()).containsExactly("etcd_endpoints", "web_ips");
        assertThat(herd.outputs().get("etcd_endpoints"))
                .isEqualTo(new Output("etcd_endpoints", "${clusters.etcd.endpoints}", null, new SourcePosition(file, 97, 3)));
        assertThat(herd.outputs().get("web_ips").value()).isEqualTo("http://${clusters.web.ips}:8080");
        assertThat(herd.outputs().get("web_ips").description()).isEqualTo("where the shop answers");
    }

    @Test
    void fillsDefaultsOfAMinimalHerdFile() throws Exception {
        Herd herd = loader.parse("""
                herd: tiny
                clusters:
                  app:
                    size: 2
                    image: host
                """, Path.of("drover.yaml"));

        assertThat(herd.provider()).isEqualTo(new ProviderBlock("local", Map.of("addresses", "127.0.10.0/24"),
                new SourcePosition(Path.of("drover.yaml"), 1, 1)));
        assertThat(herd.variables()).isEmpty();
        assertThat(herd.outputs()).isEmpty();
        assertThat(herd.clusters().get("app")).isEqualTo(new Cluster("app", 2, Role.PLAIN, "host", 1, List.of(),
                EtcdOptions.DEFAULT, HealthCheck.defaultFor(Role.PLAIN), FirstBoot.EMPTY, Map.of(), false,
                new SourcePosition(Path.of("drover.yaml"), 3, 3), Cluster.UserDataFormat.IGNITION, "default"));
    }

    @Test
    void readsTheStateBlock() throws Exception {
        Herd herd = loader.parse("""
                herd: team
                clusters:
                  app: {size: 1, image: host}
                state:
                  backend: etcd
                  endpoints: [https://10.0.0.5:2379, https://10.0.0.6:2379]
                  prefix: /drover/team
                  lockTtl: 30s
                  tls: {ca: pki/ca.pem, cert: pki/me.pem, key: pki/me.key}
                  encryption:
                    passphraseEnv: TEAM_STATE_PASSPHRASE
                    iterations: 700000
                    fallback: {keyFile: old.key}
                """, dir.resolve("drover.yaml"));

        StateSettings s = herd.state();
        assertThat(s.backend()).isEqualTo(StateSettings.Backend.ETCD);
        assertThat(s.endpoints()).extracting(Object::toString).containsExactly("https://10.0.0.5:2379", "https://10.0.0.6:2379");
        assertThat(s.prefixFor("team")).isEqualTo("/drover/team");
        assertThat(s.lockTtl()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(s.tls()).isEqualTo(new StateSettings.Tls(dir.resolve("pki/ca.pem"), dir.resolve("pki/me.pem"), dir.resolve("pki/me.key")));
        assertThat(s.encryption()).isEqualTo(new StateSettings.Encryption(new StateSettings.Passphrase("TEAM_STATE_PASSPHRASE", 700_000),
                new StateSettings.KeyFile(dir.resolve("old.key"))));
    }

    @Test
    void withoutAStateBlockTheStateIsTheLocalFileUnencrypted() throws Exception {
        Herd herd = loader.parse("herd: solo\nclusters:\n  app: {size: 1, image: host}\n", dir.resolve("drover.yaml"));
        assertThat(herd.state().backend()).isEqualTo(StateSettings.Backend.FILE);
        assertThat(herd.state().encryption()).isNull();
        assertThat(herd.state().prefixFor("solo")).isEqualTo("/drover/solo");
        assertThat(herd.state().lockTtl()).isEqualTo(StateSettings.DEFAULT_LOCK_TTL);
    }

    @Test
    void etcdClustersDefaultToAntiAffinityAndEtcdHealth() throws Exception {
        Cluster etcd = loader.parse("""
                herd: kv
                clusters:
                  etcd: {size: 5, role: etcd, image: host}
                """, Path.of("drover.yaml")).clusters().get("etcd");

        assertThat(etcd.antiAffinity()).isTrue();
        assertThat(etcd.health().type()).isEqualTo(HealthCheck.Type.ETCD);
        assertThat(etcd.etcd()).isEqualTo(EtcdOptions.DEFAULT);
    }

    @Test
    void readsModesAsButaneDoes() throws Exception {
        Herd herd = loader.parse("""
                herd: modes
                clusters:
                  app:
                    size: 1
                    image: host
                    firstBoot:
                      storage:
                        directories:
                          - {path: /a, mode: 0755}
                          - {path: /b, mode: 0o755}
                          - {path: /c, mode: 493}
                          - {path: /d, mode: 0}
                          - {path: /e, mode: 07777}
                """, Path.of("drover.yaml"));

        assertThat(herd.clusters().get("app").firstBoot().directories()).extracting(Directory::mode)
                .containsExactly(0755, 0755, 0755, 0, 07777);
    }

    @Test
    void fileWithoutContentsHasNullContents() throws Exception {
        Herd herd = loader.parse("""
                herd: keep
                clusters:
                  app:
                    size: 1
                    image: host
                    firstBoot:
                      storage:
                        files:
                          - {path: /etc/hosts, mode: 0644}
                """, Path.of("drover.yaml"));

        assertThat(herd.clusters().get("app").firstBoot().files())
                .containsExactly(new FileEntry("/etc/hosts", 0644, Owner.ROOT, null, true));
    }

    @Test
    void referencesToAnotherClusterAreImplicitDependencies() throws Exception {
        Herd herd = loader.parse("""
                herd: deps
                clusters:
                  db: {size: 1, image: host}
                  app:
                    size: 1
                    image: host
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/db
                            contents: {inline: "${clusters.db.ips}"}
                """, Path.of("drover.yaml"));

        assertThat(herd.clusters().get("app").dependsOn()).containsExactly("db");
    }

    @Test
    void sharesValuesThroughYamlAnchors() throws Exception {
        Herd herd = loader.parse("""
                herd: anchors
                clusters:
                  a: &common
                    size: 1
                    image: host
                  b: *common
                """, Path.of("drover.yaml"));

        assertThat(herd.clusters().get("b").image()).isEqualTo("host");
    }

    @Test
    void valuesWithSpacesQuotesAndDollarsAreTakenAsTheyAreAndFlagsFollowTheEtcdVersion() throws Exception {
        Herd herd = loader.parse("""
                herd: t
                variables:
                  cert: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
                clusters:
                  kv:
                    size: 1
                    role: etcd
                    image: host
                    etcd:
                      tls: false
                      container: quay.io/coreos/etcd:v3.6.1
                      flags:
                        log-rotation-config-json: '{"maxsize": 100, "compress": false}'
                        cors: https://a.example $HOME 100%
                        cert-file: /etc/my/cert.pem
                        feature-gates: StopGRPCServiceOnDefrag=true
                  web:
                    size: 1
                    image: host
                    firstBoot:
                      storage:
                        files:
                          - path: /etc/ca.pem
                            contents: {inline: "${var.cert}"}
                """, Path.of("drover.yaml"));

        assertThat(herd.clusters().get("kv").etcd().flags()).containsEntry("log-rotation-config-json", "{\"maxsize\": 100, \"compress\": false}")
                .containsEntry("cors", "https://a.example $HOME 100%").containsEntry("cert-file", "/etc/my/cert.pem");
        // A multi-line variable is fine in a file's contents; only one-line places refuse it.
        assertThat(herd.variables().get("cert")).contains("\n");
    }

    @Test
    void aDoubledDollarInAVariableWritesALiteralReferenceAndAnEtcdFlagInGosHexFormIsAccepted() throws Exception {
        Herd herd = loader.parse("""
                herd: t
                variables:
                  script: 'echo $${HOME} costs $5'
                clusters:
                  kv:
                    size: 1
                    role: etcd
                    image: host
                    etcd:
                      flags: {heartbeat-interval: 0x64, election-timeout: 500}
                """, Path.of("drover.yaml"));

        assertThat(herd.variables()).containsEntry("script", "echo ${HOME} costs $5");
        assertThat(herd.clusters().get("kv").etcd().flags()).containsEntry("heartbeat-interval", "0x64");
    }

    @Test
    void missingFileIsAProblemNamingTheFile() {
        Path missing = dir.resolve("nope.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(missing));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.where()).isEqualTo(SourcePosition.unknown(missing));
            assertThat(p.message()).contains("not found");
            assertThat(p.hint()).isNotBlank();
        });
    }

    @Test
    void directoryInsteadOfFileIsAProblem() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(dir));

        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("directory"));
    }

    @Test
    void reportsAllProblemsAtOnceInFileOrder() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.parse("""
                herd: Bad_Name
                clusters:
                  web:
                    size: three
                    image: host
                    firstBoot:
                      storage:
                        files:
                          - path: etc/motd
                """, Path.of("drover.yaml")));

        assertThat(e.problems()).extracting(p -> p.where().line() + ":" + p.where().column())
                .containsExactly("1:7", "4:11", "9:19");
        assertThat(e.getMessage()).contains("drover.yaml:1:7: bad herd name 'Bad_Name'", "drover.yaml:4:11:", "drover.yaml:9:19:");
    }

    @Test
    void neverThrowsAnythingButConfigExceptionOnGarbage() {
        for (String garbage : List.of("", "---\n", "- a\n- b\n", "42", "{", "herd: [", "a: b: c", "\t- x", "herd: x\n---\nherd: y\n",
                "clusters: {a: null}\n", "clusters: [1]\nherd: {}\n", "*alias\n", "? [complex]\n: key\n")) {
            assertThatThrownBy(() -> loader.parse(garbage, Path.of("drover.yaml")))
                    .as(garbage)
                    .isInstanceOf(ConfigException.class)
                    .satisfies(t -> assertThat(((ConfigException) t).problems()).isNotEmpty());
        }
    }

    @Test
    void damagedFilesOnlyEverFailWithConfigException() throws Exception {
        write("banner.txt", "welcome\n");
        Path file = dir.resolve("drover.yaml");
        List<String> lines = FULL.lines().toList();
        List<String> damaged = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            List<String> without = new java.util.ArrayList<>(lines);
            without.remove(i);
            damaged.add(String.join("\n", without));
        }
        for (int end = 0; end < FULL.length(); end += 7) {
            damaged.add(FULL.substring(0, end));
        }
        for (String text : damaged) {
            try {
                loader.parse(text, file);
            } catch (ConfigException e) {
                assertThat(e.problems()).as(text).isNotEmpty().allSatisfy(p -> assertThat(p.message()).isNotBlank());
            }
        }
    }

    @Test
    void documentedExampleIsValid() throws Exception {
        Path doc = Path.of("").toAbsolutePath();
        while (doc != null && !Files.exists(doc.resolve("docs/herd-file.md"))) {
            doc = doc.getParent();
        }
        assertThat(doc).as("docs/herd-file.md above the working directory").isNotNull();
        String markdown = Files.readString(doc.resolve("docs/herd-file.md"));
        String example = markdown.substring(markdown.indexOf("## Complete example"));
        example = example.substring(example.indexOf("```yaml\n") + 8, example.indexOf("\n```", example.indexOf("```yaml")) + 1);

        Herd herd = loader.parse(example, dir.resolve("drover.yaml"));

        assertThat(herd.clusters().keySet()).containsExactly("etcd", "web");
        assertThat(herd.clusters().get("web").dependsOn()).containsExactly("etcd");
    }

    @Test
    void readsImagesAndClustersThatRunThem() throws Exception {
        String yaml = """
                herd: baked
                variables: {greeting: hello}
                images:
                  base:
                    base: debian:bookworm
                    packages: [etcd-server, ca-certificates]
                  etcd:
                    base: ${images.base}
                    files:
                      - {path: /etc/motd, mode: 0600, contents: {inline: "${var.greeting} from ${herd.name}"}}
                    run: ["etcd --version > /etc/etcd-version"]
                    outputs: [rootfs, qcow2]
                    securityMirror: none
                clusters:
                  etcd: {size: 3, role: etcd, image: '${images.etcd}'}
                  web: {size: 1, image: host}
                """;
        Herd herd = new HerdLoader(FakeProviderFactory.ALL).parse(yaml, Path.of("drover.yaml"));

        assertThat(herd.images()).containsOnlyKeys("base", "etcd");
        ImageSpec base = herd.images().get("base");
        assertThat(base.base()).isEqualTo(new ImageSpec.Base.Debian("bookworm"));
        assertThat(base.packages()).containsExactly("etcd-server", "ca-certificates");
        assertThat(base.outputs()).containsExactly(ImageSpec.Format.ROOTFS);
        assertThat(base.mirror()).isEqualTo(ImageSpec.DEFAULT_MIRROR);
        ImageSpec etcd = herd.images().get("etcd");
        assertThat(etcd.base()).isEqualTo(new ImageSpec.Base.Image("base"));
        assertThat(etcd.files()).singleElement().satisfies(f -> {
            assertThat(f.mode()).isEqualTo(0600);
            assertThat(f.contents()).isEqualTo("${var.greeting} from ${herd.name}");
        });
        assertThat(etcd.outputs()).containsExactly(ImageSpec.Format.ROOTFS, ImageSpec.Format.QCOW2);
        assertThat(etcd.securityMirror()).isNull();
        assertThat(herd.clusters().get("etcd").bakedImage()).isEqualTo("etcd");
        assertThat(herd.clusters().get("web").bakedImage()).isNull();
        Herd resolved = herd.withImageReferences(name -> "/store/" + name);
        assertThat(resolved.clusters().get("etcd").image()).isEqualTo("/store/etcd");
        assertThat(resolved.clusters().get("web").image()).isEqualTo("host");
    }

    @Test
    void aLoadBalancerTargetsTheHealthCheckPortAndDrainsTenSecondsUnlessTold() throws Exception {
        String yaml = """
                herd: t
                clusters:
                  web:
                    size: 3
                    image: host
                    health: {type: http, port: 8080, path: /}
                    loadBalancer: {port: 80}
                  api:
                    size: 2
                    image: host
                    health: {type: tcp, port: 9000}
                    loadBalancer: {port: 81, targetPort: 9001, drain: 2m}
                  plain: {size: 1, image: host}
                """;
        Herd herd = new HerdLoader(FakeProviderFactory.ALL).parse(yaml, Path.of("drover.yaml"));

        LoadBalancerSpec web = herd.clusters().get("web").loadBalancer();
        assertThat(web.port()).isEqualTo(80);
        assertThat(web.targetPort()).isEqualTo(8080);
        assertThat(web.drain()).isEqualTo(Duration.ofSeconds(10));
        LoadBalancerSpec api = herd.clusters().get("api").loadBalancer();
        assertThat(api.targetPort()).isEqualTo(9001);
        assertThat(api.drain()).isEqualTo(Duration.ofMinutes(2));
        assertThat(herd.clusters().get("plain").loadBalancer()).isNull();
    }
}
