package io.drover.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real tools of Debian's {@code ignition} and {@code cloud-init} packages on rendered configs, so that
 * the tests check what images accept rather than what we believe they accept.
 */
public final class RealValidators {
    public static final Path IGNITION_VALIDATE = Path.of("/usr/bin/ignition-validate");
    public static final Path CLOUD_INIT = Path.of("/usr/bin/cloud-init");
    /** Debian ships the Ignition binary only inside its dracut module (it normally runs in the initramfs). */
    public static final Path IGNITION = Path.of("/usr/lib/dracut/modules.d/30ignition/ignition");

    /** Debian's python, the one cloud-init runs on (a python3 earlier on PATH may lack or differ in PyYAML). */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private RealValidators() {}

    /** What a tool printed (stdout and stderr interleaved) and how it exited. */
    public record Result(List<String> command, int exitCode, String output) {
        /** For assertion messages: the command and all it said. */
        public String describe() {
            return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
        }
    }

    /**
     * {@code ignition-validate FILE}. It exits 0 on warnings (e.g. an unknown key) too, so {@link
     * #ignitionAccepts} also requires silence.
     */
    public static Result ignitionValidate(Path config) {
        requireInstalled(IGNITION_VALIDATE, "ignition");
        return run(List.of(IGNITION_VALIDATE.toString(), config.toString()), Map.of());
    }

    public static boolean ignitionAccepts(Result result) {
        return result.exitCode() == 0 && result.output().isBlank();
    }

    /**
     * {@code cloud-init schema --config-file FILE}. cloud-init 22.4 exits 1 on schema errors (and on YAML it
     * cannot parse) but 0 on deprecations, which it prints as "Cloud config schema deprecations: ..."; so
     * {@link #cloudInitAccepts} requires exit 0, the "Valid cloud-config" line, and no deprecation or error text.
     */
    public static Result cloudInitSchema(Path config) {
        requireInstalled(CLOUD_INIT, "cloud-init");
        return run(List.of(CLOUD_INIT.toString(), "schema", "--config-file", config.toString()), Map.of());
    }

    /**
     * Parses a cloud-config with the YAML library cloud-init itself uses (PyYAML's safe loader, YAML 1.1, from
     * Debian's python3-yaml) and returns it as JSON: what cloud-init will see, byte for byte.
     */
    public static Result cloudInitYamlAsJson(Path config) {
        requireInstalled(PYTHON, "python3-yaml");
        return run(List.of(PYTHON.toString(), "-c",
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding='utf-8'))))",
                config.toString()), Map.of());
    }

    public static boolean cloudInitAccepts(Result result) {
        String output = result.output();
        return result.exitCode() == 0
                && output.contains("Valid cloud-config")
                && !output.contains("DEPRECATED")
                && !output.contains("deprecations")
                && !output.contains("Error")
                && !output.contains("WARNING");
    }

    /**
     * Applies an Ignition config to the directory {@code root} with the real binary: the fetch stage reads the
     * file and caches the parsed config in {@code runDir}, then the files stage creates users, files,
     * directories, links and units under {@code root}. Needs root (useradd --root chroots).
     */
    public static Result ignitionApply(Path config, Path root, Path runDir) {
        requireInstalled(IGNITION, "ignition");
        List<Result> results = new ArrayList<>();
        for (String stage : List.of("fetch", "files")) {
            Result result = run(List.of(IGNITION.toString(),
                    "-platform", "file",
                    "-stage", stage,
                    "-root", root.toAbsolutePath().toString(),
                    "-log-to-stdout",
                    "-config-cache", runDir.resolve("ignition.json").toString(),
                    "-state-file", runDir.resolve("state").toString(),
                    "-neednet", runDir.resolve("neednet").toString()),
                    Map.of("IGNITION_CONFIG_FILE", config.toAbsolutePath().toString(),
                            // A no-op setfiles: the files stage relabels for SELinux, which this host lacks.
                            "PATH", runDir.resolve("bin") + ":" + System.getenv("PATH")));
            results.add(result);
            if (result.exitCode() != 0) {
                return result;
            }
        }
        return results.getLast();
    }

    /**
     * Makes {@code root} look enough like an OS tree for Ignition's files stage: SELinux config (Ignition reads
     * SELINUXTYPE before relabeling), passwd/group/shadow files with the groups users join, and a no-op {@code
     * setfiles} in {@code runDir/bin}. Ignition writes SSH keys with the user's own file system identity, so
     * {@code root} and its parent (a JUnit temp dir, 0700) are opened to 0755.
     */
    public static void prepareIgnitionRoot(Path root, Path runDir, List<String> groups) throws IOException {
        for (Path traversed : List.of(root.toAbsolutePath().getParent(), root)) {
            Files.setPosixFilePermissions(traversed, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createDirectories(root.resolve("etc/selinux"));
        Files.writeString(root.resolve("etc/selinux/config"), "SELINUX=disabled\nSELINUXTYPE=targeted\n");
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        StringBuilder group = new StringBuilder("root:x:0:\n");
        StringBuilder gshadow = new StringBuilder("root:*::\n");
        int gid = 10;
        for (String name : groups) {
            group.append(name).append(":x:").append(gid++).append(":\n");
            gshadow.append(name).append(":*::\n");
        }
        Files.writeString(root.resolve("etc/group"), group);
        Files.writeString(root.resolve("etc/gshadow"), gshadow);
        Path bin = Files.createDirectories(runDir.resolve("bin"));
        Path setfiles = bin.resolve("setfiles");
        Files.writeString(setfiles, "#!/bin/sh\nexit 0\n");
        setfiles.toFile().setExecutable(true);
    }

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void requireInstalled(Path tool, String debianPackage) {
        if (!Files.isExecutable(tool)) {
            throw new IllegalStateException(tool + " is missing: install it with apt-get install -y " + debianPackage);
        }
    }

    private static Result run(List<String> command, Map<String, String> environment) {
        Path log = null;
        try {
            log = Files.createTempFile("drover-validator", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            return new Result(command, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        } finally {
            if (log != null) {
                log.toFile().delete();
            }
        }
    }
}
