package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.NixOutputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.GcResult;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One parser per Nix output Inchworm reads. Each accepts Nix 2.8's format and the newer ones
 * listed in docs/architecture.md ("Nix facts"); an output it cannot read is an {@link IllegalArgumentException}
 * quoting the offending text.
 */
public final class NixOutput {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern STORE_PATH =
            Pattern.compile("/nix/store/[0-9abcdfghijklmnpqrsvwxyz]{32}-[A-Za-z0-9+\\-._?=]+");
    private static final Pattern BUILD_HEADER =
            Pattern.compile("^(?:these (\\d+) derivations|this derivation) will be built:$");
    // "these 3 paths will be fetched (0.03 MiB download, 0.13 MiB unpacked):" (2.8)
    // "these 3 paths will be fetched (11.6 GiB download, 40.1 GiB unpacked):" (2.33 auto unit)
    private static final Pattern FETCH_HEADER = Pattern.compile(
            "^(?:these (\\d+) paths|this path) will be fetched"
                    + "(?: \\(([\\d.]+) ([KMGT]i?B|bytes?) download, ([\\d.]+) ([KMGT]i?B|bytes?) unpacked\\))?:$");
    private static final Pattern GC_SUMMARY = Pattern.compile(
            "^(\\d+) store paths? deleted, ([\\d.]+) ([KMGT]i?B|bytes?) freed$");
    // "   2   2026-11-25 17:09:16   (current)"
    private static final Pattern GENERATION_LINE = Pattern.compile(
            "^\\s*(\\d+)\\s+(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2})\\s*(\\(current\\))?\\s*$");
    private static final DateTimeFormatter GENERATION_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private NixOutput() {
    }

    /** A generation as {@code nix-env --list-generations} lists it; the toplevel comes from its link. */
    public record ListedGeneration(int number, java.time.Instant created, boolean current) {
    }

    /**
     * {@code nix-store --realise --dry-run} (its standard error): the derivations to build
     * and the paths to fetch, with sizes when Nix printed them. Other lines are ignored.
     */
    public static DryRun dryRun(List<String> stderrLines) {
        List<StorePath> toBuild = new ArrayList<>();
        List<StorePath> toFetch = new ArrayList<>();
        OptionalLong download = OptionalLong.empty();
        OptionalLong unpacked = OptionalLong.empty();
        List<StorePath> current = null;
        for (String raw : stderrLines) {
            String line = raw.stripTrailing();
            Matcher build = BUILD_HEADER.matcher(line);
            Matcher fetch = FETCH_HEADER.matcher(line);
            if (build.matches()) {
                current = toBuild;
            } else if (fetch.matches()) {
                current = toFetch;
                if (fetch.group(2) != null) {
                    download = OptionalLong.of(bytes(fetch.group(2), fetch.group(3)));
                    unpacked = OptionalLong.of(bytes(fetch.group(4), fetch.group(5)));
                }
            } else if (current != null && line.startsWith("  ") && STORE_PATH.matcher(line.strip()).matches()) {
                current.add(new StorePath(line.strip()));
            } else {
                current = null;
            }
        }
        return new DryRun(toBuild, toFetch, download, unpacked);
    }

    /** {@code N store paths deleted, X MiB freed}: the last such line of {@code nix-store --gc}. */
    public static GcResult gcSummary(String stdout) {
        GcResult found = null;
        for (String line : stdout.lines().toList()) {
            Matcher m = GC_SUMMARY.matcher(line.strip());
            if (m.matches()) {
                try {
                    found = new GcResult(Long.parseLong(m.group(1)), bytes(m.group(2), m.group(3)));
                } catch (NumberFormatException e) {
                    throw new NixOutputException("not a count of nix-store --gc: '" + abbreviate(line) + "'", e);
                }
            }
        }
        if (found == null) {
            throw new NixOutputException("no 'N store paths deleted, X MiB freed' in nix-store --gc output: '"
                    + abbreviate(stdout.strip()) + "'");
        }
        return found;
    }

    /** Bytes from a size Nix printed: {@code 0.03 MiB}, {@code 11.6 GiB}, {@code 512 bytes}. */
    public static long bytes(String number, String unit) {
        double value;
        try {
            value = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new NixOutputException("not a size: '" + abbreviate(number) + "'", e);
        }
        long scale = switch (unit.toLowerCase(Locale.ROOT)) {
            case "byte", "bytes", "b" -> 1L;
            case "kib", "kb" -> 1L << 10;
            case "mib", "mb" -> 1L << 20;
            case "gib", "gb" -> 1L << 30;
            case "tib", "tb" -> 1L << 40;
            default -> throw new NixOutputException("unknown size unit '" + abbreviate(unit) + "'");
        };
        return Math.round(value * scale);
    }

    /** Store paths, one per line (requisites, outputs, print-dead); blank lines skipped. */
    public static List<StorePath> storePaths(String stdout) {
        List<StorePath> paths = new ArrayList<>();
        for (String line : stdout.lines().toList()) {
            if (!line.isBlank()) {
                paths.add(storePath(line));
            }
        }
        return paths;
    }

    /** One store path, e.g. the output of {@code nix-instantiate} or {@code nix eval --raw}. */
    public static StorePath storePath(String text) {
        String trimmed = text.strip();
        if (!STORE_PATH.matcher(trimmed).matches()) {
            throw new NixOutputException("expected a store path, Nix printed: '" + abbreviate(trimmed) + "'");
        }
        return new StorePath(trimmed);
    }

    /** A number of bytes on its own ({@code nix-store -q --size}). */
    public static long size(String stdout) {
        String trimmed = stdout.strip();
        try {
            return Long.parseLong(trimmed);
        } catch (NumberFormatException e) {
            throw new NixOutputException("expected a size in bytes, Nix printed: '" + abbreviate(trimmed) + "'", e);
        }
    }

    /** The version line of {@code nix-env --version}. */
    public static dev.inchworm.api.nix.NixVersion version(String stdout) {
        try {
            return dev.inchworm.api.nix.NixVersion.parse(stdout);
        } catch (IllegalArgumentException e) {
            throw new NixOutputException("no Nix version in: '" + abbreviate(stdout.strip()) + "'", e);
        }
    }

    /**
     * {@code nix-env -p PROFILE --list-generations}, oldest first. Times are local times of
     * the host; {@code zone} is the zone to read them in.
     */
    public static List<ListedGeneration> generations(String stdout, ZoneId zone) {
        List<ListedGeneration> generations = new ArrayList<>();
        for (String line : stdout.lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = GENERATION_LINE.matcher(line);
            if (!m.matches()) {
                throw new NixOutputException("not a generation line of nix-env --list-generations: '"
                        + abbreviate(line) + "'");
            }
            try {
                generations.add(new ListedGeneration(Integer.parseInt(m.group(1)),
                        LocalDateTime.parse(m.group(2), GENERATION_TIME).atZone(zone).toInstant(), m.group(3) != null));
            } catch (NumberFormatException | DateTimeException e) {
                throw new NixOutputException("not a generation number and time in nix-env --list-generations: '"
                        + abbreviate(line) + "'", e);
            }
        }
        return generations;
    }

    /**
     * {@code nix path-info --json}: an array of objects with a {@code path} field (Nix before
     * 2.19), or an object keyed by path (2.19 and later; keys and references may be base
     * names in the newest versions). Invalid paths ({@code "valid": false}, or {@code null})
     * are left out.
     */
    public static List<PathInfo> pathInfo(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new NixOutputException("nix path-info printed no JSON: '" + abbreviate(json.strip()) + "'", e);
        }
        List<PathInfo> infos = new ArrayList<>();
        if (root != null && root.isArray()) {
            for (JsonNode entry : root) {
                pathInfoEntry(entry.path("path").asText(""), entry).ifPresent(infos::add);
            }
        } else if (root != null && root.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                pathInfoEntry(field.getKey(), field.getValue()).ifPresent(infos::add);
            }
        } else {
            throw new NixOutputException("nix path-info JSON is neither array nor object: '"
                    + abbreviate(json.strip()) + "'");
        }
        return infos;
    }

    /**
     * Which entries of a cache's {@code nix path-info --json} Nix would substitute under these
     * settings (by {@code ca} and the names of their {@code signatures}), by path; both layouts.
     */
    static Set<String> substitutable(String json, HostNixSettings settings) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new NixOutputException("nix path-info printed no JSON: '" + abbreviate(json.strip()) + "'", e);
        }
        Set<String> accepted = new java.util.HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> entries = root == null ? java.util.Collections.emptyIterator()
                : root.isArray() ? java.util.stream.StreamSupport.stream(root.spliterator(), false)
                        .map(e -> Map.entry(e.path("path").asText(""), e)).iterator()
                : root.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            JsonNode info = entry.getValue();
            if (info == null || info.isNull()) {
                continue; // Nix 2.19+: a path the store lacks
            }
            List<String> names = new ArrayList<>();
            info.path("signatures").forEach(sig -> names.add(sig.asText().split(":", 2)[0]));
            if (settings.accepts(info.hasNonNull("ca"), names)) {
                accepted.add(entry.getKey());
            }
        }
        return accepted;
    }

    /**
     * {@code nix show-config --json}: each setting an object with its {@code value} (Nix 2.4 and
     * later; a bare value before), lists as JSON arrays or as one whitespace-separated string.
     */
    static HostNixSettings hostSettings(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new NixOutputException("nix show-config printed no JSON: '" + abbreviate(json.strip()) + "'", e);
        }
        if (root == null || !root.isObject()) {
            throw new NixOutputException("nix show-config JSON is not an object: '" + abbreviate(json.strip()) + "'");
        }
        JsonNode sigs = setting(root, "require-sigs");
        return new HostNixSettings(words(setting(root, "substituters")), words(setting(root, "trusted-public-keys")),
                sigs.isMissingNode() || sigs.isNull() || sigs.asBoolean(true));
    }

    private static JsonNode setting(JsonNode root, String name) {
        JsonNode node = root.path(name);
        return node.isObject() && node.has("value") ? node.get("value") : node;
    }

    private static List<String> words(JsonNode value) {
        List<String> words = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(v -> words.add(v.asText()));
        } else if (value.isTextual()) {
            words.addAll(List.of(value.asText().strip().split("\\s+")));
        }
        words.removeIf(String::isBlank);
        return words;
    }

    /** {@code closureSize} of each entry of {@code nix path-info -S --json}, summed over valid entries. */
    public static long closureSize(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new NixOutputException("nix path-info printed no JSON: '" + abbreviate(json.strip()) + "'", e);
        }
        List<JsonNode> entries = new ArrayList<>();
        if (root != null && (root.isArray() || root.isObject())) {
            root.elements().forEachRemaining(entries::add);
        }
        long total = 0;
        boolean any = false;
        for (JsonNode entry : entries) {
            if (entry != null && entry.has("closureSize")) {
                total += entry.get("closureSize").asLong();
                any = true;
            }
        }
        if (!any) {
            throw new NixOutputException("no closureSize in nix path-info output: '" + abbreviate(json.strip()) + "'");
        }
        return total;
    }

    private static Optional<PathInfo> pathInfoEntry(String key, JsonNode entry) {
        if (entry == null || entry.isNull() || (entry.has("valid") && !entry.get("valid").asBoolean())) {
            return Optional.empty();
        }
        List<StorePath> references = new ArrayList<>();
        for (JsonNode ref : entry.path("references")) {
            references.add(absolute(ref.asText()));
        }
        JsonNode deriver = entry.get("deriver");
        Optional<StorePath> derivedFrom = deriver == null || deriver.isNull() || deriver.asText().isEmpty()
                ? Optional.empty() : Optional.of(absolute(deriver.asText()));
        return Optional.of(new PathInfo(absolute(key), entry.path("narSize").asLong(), references, derivedFrom));
    }

    private static StorePath absolute(String pathOrBaseName) {
        return storePath(pathOrBaseName.startsWith("/") ? pathOrBaseName
                : StorePath.STORE_DIR + "/" + pathOrBaseName);
    }

    /**
     * The store path printed by {@code nix-instantiate --eval} for a string: {@code "/nix/store/..."}.
     */
    public static StorePath evaluatedString(String stdout) {
        String trimmed = stdout.strip();
        if (trimmed.length() < 2 || !trimmed.startsWith("\"") || !trimmed.endsWith("\"")) {
            throw new NixOutputException("expected a quoted store path, Nix printed: '" + abbreviate(trimmed) + "'");
        }
        return storePath(trimmed.substring(1, trimmed.length() - 1));
    }

    /** At most 300 characters of what Nix printed, control characters and binary shown as {@code ?}. */
    static String abbreviate(String text) {
        String cut = text.length() <= 300 ? text : text.substring(0, 300) + "...";
        StringBuilder shown = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> shown.appendCodePoint(Character.isISOControl(c) && c != '\n' || c == 0xFFFD
                ? '?' : c));
        return shown.toString();
    }
}
