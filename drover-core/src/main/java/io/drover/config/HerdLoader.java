package io.drover.config;

import io.drover.config.YamlNode.Entry;
import io.drover.config.YamlNode.YamlMap;
import io.drover.config.YamlNode.YamlScalar;
import io.drover.spi.FileErrors;
import io.drover.spi.ProviderFactory;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a herd file ({@code drover.yaml}) into a validated {@link Herd}. Reports every problem it finds at
 * once, each with the file, line and column of the offending key or value and a hint, so that one run of
 * {@code drover plan} shows everything to fix.
 */
public final class HerdLoader {
    static final Pattern HERD_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final Pattern PROVIDER_NAME = Pattern.compile("[a-z][a-z0-9-]{0,29}");
    static final String DEFAULT_PROVIDER = "local";

    private final Map<String, ProviderFactory> providers = new LinkedHashMap<>();

    /** @param providers the providers a herd file may select with {@code provider.type} */
    public HerdLoader(Collection<? extends ProviderFactory> providers) {
        for (ProviderFactory factory : providers) {
            this.providers.put(factory.type(), factory);
        }
    }

    /** Why an etcd client URL is unusable, or null (for the state block and $DROVER_STATE_ENDPOINTS). */
    public static String endpointProblem(String url) {
        return StateSettingsReader.endpointProblem(url);
    }

    /**
     * Reads and validates a herd file. A missing, unreadable, oversized or non-regular file is a problem like any
     * other, reported before anything is parsed.
     */
    public Herd load(Path file) throws ConfigException {
        String text;
        try {
            text = TextFile.read(file);
        } catch (NoSuchFileException e) {
            throw new HerdFileMissingException(file);
        } catch (CharacterCodingException e) {
            throw new ConfigException(new Problem(SourcePosition.unknown(file), "herd file is not UTF-8 text", "save it as UTF-8"));
        } catch (TextFile.NotRegular e) {
            throw new ConfigException(new Problem(SourcePosition.unknown(file), "cannot read herd file: " + e.what(),
                    "pass the path of a YAML file with --file"));
        } catch (TextFile.TooLarge e) {
            throw new ConfigException(new Problem(SourcePosition.unknown(file), "herd file is too large: " + e.what(),
                    "check the path; a herd declares clusters, it does not embed large data (use contents.local for files)"));
        } catch (IOException e) {
            throw new ConfigException(new Problem(SourcePosition.unknown(file), "cannot read herd file: " + FileErrors.describe(e),
                    "check the path and its permissions"));
        }
        return parse(text, file);
    }

    /**
     * Validates herd-file text.
     *
     * @param file where the text came from: named in problems, and the directory {@code contents.local} paths are
     *     relative to
     */
    public Herd parse(String yamlText, Path file) throws ConfigException {
        return parse(yamlText, file, HerdSource.fromDisk());
    }

    /**
     * Validates a recorded herd source (what an apply recorded in the state), reading its local files from the source
     * instead of the disk.
     *
     * @param file where the herd file is (named in problems; its directory holds the herd's state)
     */
    public Herd parse(HerdSource source, Path file) throws ConfigException {
        return parse(source.text(), file, source.recorded());
    }

    private Herd parse(String yamlText, Path file, HerdSource.LocalFiles localFiles) throws ConfigException {
        if (yamlText.length() > TextFile.MAX_BYTES) {
            throw new ConfigException(new Problem(SourcePosition.unknown(file), "herd file is too large: it has more than 4 MB",
                    "check the path; a herd declares clusters, it does not embed large data (use contents.local for files)"));
        }
        Problems problems = new Problems();
        List<String> lines = yamlText.lines().toList();
        YamlNode root = new YamlReader(file, lines, problems).read(yamlText);
        if (root == null) {
            throw new ConfigException(problems.report(file));
        }
        if (!(root instanceof YamlMap map)) {
            problems.add(root.position(), "a herd file must be a map of keys, got " + MapReader.describe(root),
                    "start with 'herd: NAME' and a 'clusters:' map");
            throw new ConfigException(problems.report(file));
        }
        Herd herd = new Parse(file, yamlText, lines, localFiles, problems).herd(map);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.report(file));
        }
        return herd;
    }

    /** The state of reading one file. */
    private final class Parse {
        private final Path file;
        private final String text;
        private final List<String> lines;
        private final HerdSource.LocalFiles localFiles;
        private final Problems problems;

        Parse(Path file, String text, List<String> lines, HerdSource.LocalFiles localFiles, Problems problems) {
            this.file = file;
            this.text = text;
            this.lines = lines;
            this.localFiles = localFiles;
            this.problems = problems;
        }

        Herd herd(YamlMap map) {
            MapReader top = new MapReader(map, map.position(), "the herd file", Shape.Herd.ROOT, problems);
            String name = top.requiredString("herd", "my-herd");
            if (name != null && !HERD_NAME.matcher(name).matches()) {
                problems.add(top.entry("herd").value().position(), "bad herd name '" + Problems.shown(name) + "'",
                        "use 1 to 40 lowercase letters, digits and '-', starting with a letter, e.g. web-prod");
            }
            List<String> declared = new ArrayList<>();
            Map<String, ProviderBlock> providerBlocks = providers(top, declared);
            Map<String, String> variables = variables(top);
            Map<String, ImageSpec> images = images(top, variables);
            Set<String> imageNames = imageNames(top);
            Entry clustersEntry = top.required("clusters", "{name: {size: 1, image: IMAGE}}");
            YamlMap clusterMaps = clustersEntry == null ? null : MapReader.asMap(clustersEntry.value(), "clusters", problems);
            Map<String, Cluster> clusters = new LinkedHashMap<>();
            if (clusterMaps != null) {
                if (clusterMaps.entries().isEmpty()) {
                    problems.add(clustersEntry.keyPosition(), "no clusters declared", "add at least one cluster under 'clusters:'");
                }
                References references = new References(variables, clusterMaps.entries().keySet(), problems);
                // Every provider the file declares, by name; one whose block has problems (reported) has no factory.
                Map<String, ProviderFactory> factories = new LinkedHashMap<>();
                declared.forEach(n -> factories.put(n, providerBlocks.containsKey(n) ? providers.get(providerBlocks.get(n).type()) : null));
                ClusterReader reader = new ClusterReader(directoryOf(file), localFiles, lines, references, factories,
                        declared.size() == 1 ? declared.get(0) : null, problems, imageNames);
                for (Entry entry : clusterMaps.entries().values()) {
                    Cluster cluster = reader.read(entry);
                    if (cluster != null) {
                        clusters.put(cluster.name(), cluster);
                    }
                }
                new DependencyCycles(reader.dependencies(), problems).report();
            }
            Map<String, Output> outputs = outputs(top, new References(variables,
                    clusterMaps == null ? Set.of() : clusterMaps.entries().keySet(), problems));
            StateSettings state = new StateSettingsReader(directoryOf(file), problems).read(top);
            return problems.isEmpty()
                    ? new Herd(name, file, providerBlocks, variables, clusters, outputs, new HerdSource(text, localFiles.read()), images, state)
                    : null;
        }

        /**
         * The herd's providers: the one-provider form {@code provider: {type: ...}} (named {@value ProviderBlock#DEFAULT_NAME}),
         * the named form {@code providers: {NAME: {type: ...}, ...}}, or, with neither, the local provider.
         */
        private Map<String, ProviderBlock> providers(MapReader top, List<String> declared) {
            Map<String, ProviderBlock> blocks = new LinkedHashMap<>();
            Entry single = top.entry("provider");
            Entry named = top.entry("providers");
            if (single != null && named != null) {
                problems.add(named.keyPosition(), "a herd file has either 'provider:' or 'providers:', not both",
                        "keep 'provider:' for one provider, or name every provider under 'providers:'");
            }
            if (named != null) {
                YamlMap map = MapReader.asMap(named.value(), "providers", problems);
                if (map == null) {
                    return blocks;
                }
                if (map.entries().isEmpty()) {
                    problems.add(named.keyPosition(), "no providers declared under 'providers:'", "add one, e.g. 'providers: {here: {type: local}}'");
                }
                for (Entry entry : map.entries().values()) {
                    declared.add(entry.key());
                    if (!PROVIDER_NAME.matcher(entry.key()).matches()) {
                        problems.add(entry.keyPosition(), "bad provider name '" + Problems.shown(entry.key()) + "'",
                                "use 1 to 30 lowercase letters, digits and '-', starting with a letter, e.g. cloud-a");
                        continue;
                    }
                    ProviderBlock block = providerBlock(entry, entry.key(), "provider '" + entry.key() + "'");
                    if (block != null) {
                        blocks.put(entry.key(), block);
                    }
                }
                return blocks;
            }
            declared.add(ProviderBlock.DEFAULT_NAME);
            if (single == null) {
                ProviderFactory local = providers.get(DEFAULT_PROVIDER);
                SourcePosition where = top.map().position();
                if (local == null) {
                    problems.add(where, "no 'provider:' block, and the default provider 'local' is not available",
                            providers.isEmpty() ? "no providers are installed: put a provider jar on the class path"
                                    : "add 'provider: {type: TYPE}' with one of: " + String.join(", ", providers.keySet()));
                    return blocks;
                }
                var settings = new SettingsReader(problems).readAndCheck(null, where, "the default provider 'local'", local.settings(),
                        Set.of(), local::validate);
                blocks.put(ProviderBlock.DEFAULT_NAME, new ProviderBlock(ProviderBlock.DEFAULT_NAME, DEFAULT_PROVIDER, settings, where));
                return blocks;
            }
            ProviderBlock block = providerBlock(single, ProviderBlock.DEFAULT_NAME, "provider");
            if (block != null) {
                blocks.put(ProviderBlock.DEFAULT_NAME, block);
            }
            return blocks;
        }

        private ProviderBlock providerBlock(Entry entry, String providerName, String what) {
            MapReader block = MapReader.of(entry, what, Shape.Herd.PROVIDER, problems);
            if (block == null) {
                return null;
            }
            String type = block.requiredString("type", DEFAULT_PROVIDER);
            if (type == null) {
                return null;
            }
            ProviderFactory factory = providers.get(type);
            if (factory == null) {
                String known = providers.isEmpty() ? "none are installed" : "known types: " + String.join(", ", providers.keySet());
                String suggestion = Problems.suggest(type, providers.keySet());
                problems.add(block.entry("type").value().position(), "unknown provider type '" + Problems.shown(type) + "'",
                        suggestion.startsWith("did you mean") ? suggestion + " (" + known + ")" : known);
                return null;
            }
            var settings = new SettingsReader(problems).readAndCheck(block.map(), entry.keyPosition(), what + " (" + type + ")",
                    factory.settings(), Set.of("type"), factory::validate);
            return new ProviderBlock(providerName, type, settings, entry.keyPosition());
        }

        private Map<String, ImageSpec> images(MapReader top, Map<String, String> variables) {
            Entry entry = top.entry("images");
            YamlMap map = entry == null ? null : MapReader.asMap(entry.value(), "images", problems);
            if (map == null) {
                return Map.of();
            }
            References references = new References(variables, Set.of(), problems);
            return new ImageReader(directoryOf(file), localFiles, lines, references, problems).read(map);
        }

        /** Every image name written (also those with problems, so a cluster's reference to one is not a second problem). */
        private Set<String> imageNames(MapReader top) {
            Entry entry = top.entry("images");
            return entry != null && entry.value() instanceof YamlMap map ? map.entries().keySet() : Set.of();
        }

        private Map<String, String> variables(MapReader top) {
            Map<String, String> variables = new LinkedHashMap<>();
            Entry entry = top.entry("variables");
            YamlMap map = entry == null ? null : MapReader.asMap(entry.value(), "variables", problems);
            if (map == null) {
                return variables;
            }
            for (Entry variable : map.entries().values()) {
                if (!VARIABLE_NAME.matcher(variable.key()).matches()) {
                    problems.add(variable.keyPosition(), "bad variable name '" + Problems.shown(variable.key()) + "'",
                            "use letters, digits and _, starting with a letter or _, e.g. app_port");
                    continue;
                }
                String value = variable.value() instanceof YamlScalar s && s.isNull() ? "" : MapReader.asText(variable.value(), variable.key(), problems);
                if (value != null) {
                    variables.put(variable.key(), literal(variable, value));
                }
            }
            return variables;
        }

        /**
         * A variable's value is used as written, never resolved (as Terraform refuses references in a variable's
         * default): a {@code ${} in it would reach servers as those two characters, so it is refused, and {@code $${}
         * writes a literal {@code ${} as in templates.
         */
        private String literal(Entry variable, String value) {
            if (!value.contains("${")) {
                return value;
            }
            StringBuilder out = new StringBuilder(value.length());
            for (int i = 0; i < value.length(); i++) {
                if (value.startsWith("$${", i)) {
                    out.append("${");
                    i += 2;
                } else if (value.startsWith("${", i)) {
                    int end = value.indexOf('}', i);
                    String written = end < 0 ? "${" : value.substring(i, end + 1);
                    problems.add(((YamlScalar) variable.value()).positionOf(i, lines), "variable '" + variable.key() + "' holds '"
                            + Problems.shown(written.length() > 40 ? written.substring(0, 37) + "..." : written)
                            + "', but a variable's value is used as written: references in it are not resolved",
                            "write $" + written + " for a literal " + written + ", or write the reference where the variable is used");
                    return value;
                } else {
                    out.append(value.charAt(i));
                }
            }
            return out.toString();
        }

        private Map<String, Output> outputs(MapReader top, References references) {
            Map<String, Output> outputs = new LinkedHashMap<>();
            Entry entry = top.entry("outputs");
            YamlMap map = entry == null ? null : MapReader.asMap(entry.value(), "outputs", problems);
            if (map == null) {
                return outputs;
            }
            for (Entry output : map.entries().values()) {
                YamlNode valueNode = output.value();
                String description = null;
                if (valueNode instanceof YamlMap) {
                    MapReader o = MapReader.of(output, "output '" + output.key() + "'", Shape.Herd.OUTPUT, problems);
                    Entry value = o.required("value", "${clusters.NAME.ips}");
                    description = o.string("description");
                    if (value == null) {
                        continue;
                    }
                    valueNode = value.value();
                }
                YamlScalar scalar = MapReader.asScalar(valueNode, output.key(), problems);
                if (scalar != null) {
                    references.check(scalar.text(), scalar.positions(lines), References.Scope.OUTPUT, "");
                    outputs.put(output.key(), new Output(output.key(), scalar.text(), description, output.keyPosition()));
                }
            }
            return outputs;
        }
    }

    private static Path directoryOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("").toAbsolutePath() : parent;
    }
}
