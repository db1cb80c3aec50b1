package dev.inchworm.plugins.shednonvital;

import dev.inchworm.api.nix.StorePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of an aggregator that list the paths it links, the only ones shedding edits:
 * a whitespace-separated list of store paths (a {@code buildEnv}'s {@code paths}, this test
 * kit's {@code system-path}) or nixpkgs' {@code buildEnv} {@code pkgs}, the JSON
 * {@code [{"paths":[...],"priority":N},...]}. Any other text holding a store path is a file's
 * content or a script: dropping a path from it could change what it means, so it is refused.
 */
final class LinkedPaths {

    private static final String STORE = StorePath.STORE_DIR + "/";
    private static final Pattern JSON_LIST = Pattern.compile(
            "\\[(\\{\"paths\":\\[(\"[^\"\\\\]*\"(,\"[^\"\\\\]*\")*)?\\],\"priority\":-?[0-9]+\\}"
                    + "(,\\{\"paths\":\\[(\"[^\"\\\\]*\"(,\"[^\"\\\\]*\")*)?\\],\"priority\":-?[0-9]+\\})*)?\\]");
    private static final Pattern JSON_ENTRY = Pattern.compile(
            "\\{\"paths\":\\[((\"[^\"\\\\]*\"(,\"[^\"\\\\]*\")*)?)\\],\"priority\":(-?[0-9]+)\\}");

    private LinkedPaths() {
    }

    /** True when {@code text} mentions one of {@code paths} (or something inside it). */
    static boolean mentions(String text, Set<StorePath> paths) {
        if (!text.contains(STORE)) {
            return false;
        }
        return paths.stream().anyMatch(p -> text.contains(p.path()));
    }

    /**
     * The value without {@code paths}, when it is a list of linked paths and nothing else in it
     * refers to them; empty when it is some other text.
     */
    static Optional<String> without(String value, Set<StorePath> paths) {
        String trimmed = value.strip();
        if (JSON_LIST.matcher(trimmed).matches()) {
            return withoutJson(trimmed, paths);
        }
        List<String> kept = new ArrayList<>();
        for (String token : trimmed.split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (!token.startsWith(STORE)) {
                return Optional.empty();
            }
            if (!paths.contains(StorePath.of(token))) {
                kept.add(token);
            }
        }
        String result = String.join(" ", kept);
        return mentions(result, paths) ? Optional.empty() : Optional.of(result);
    }

    private static Optional<String> withoutJson(String json, Set<StorePath> paths) {
        StringBuilder out = new StringBuilder("[");
        Matcher entry = JSON_ENTRY.matcher(json);
        boolean first = true;
        while (entry.find()) {
            List<String> kept = new ArrayList<>();
            String list = entry.group(1);
            for (String quoted : list == null || list.isEmpty() ? new String[0] : list.split(",")) {
                String path = quoted.substring(1, quoted.length() - 1);
                if (!path.startsWith(STORE)) {
                    return Optional.empty();
                }
                if (!paths.contains(StorePath.of(path))) {
                    kept.add(quoted);
                }
            }
            if (kept.isEmpty()) {
                continue;
            }
            out.append(first ? "" : ",").append("{\"paths\":[").append(String.join(",", kept))
                    .append("],\"priority\":").append(entry.group(4)).append('}');
            first = false;
        }
        String result = out.append(']').toString();
        return mentions(result, paths) ? Optional.empty() : Optional.of(result);
    }
}
