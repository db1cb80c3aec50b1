package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the binary caches say about paths Nix would fetch: the profile's caches
 * ({@code nix.options} {@code substituters}, {@code extra-substituters}), then the host's own
 * ({@link HostNixSettings}), each asked with {@code nix path-info --json -r --store URL}.
 */
final class BinaryCaches {

    private static final Logger LOG = LoggerFactory.getLogger(BinaryCaches.class);
    // nix path-info takes paths as arguments: a few hundred at a time keeps argv short.
    private static final int PATHS_PER_CALL = 200;
    // Asks a cache about each path alone ("$@" is the nix command, the paths come in the
    // environment): Nix fails a whole query on one miss; a miss prints [].
    private static final String CACHE_QUERY =
            "for p in $INCHWORM_PATHS; do \"$@\" \"$p\" 2>/dev/null || printf '[]'; echo; done";

    private final NixCommands nix;
    private HostNixSettings hostSettings; // read once

    BinaryCaches(NixCommands nix) {
        this.nix = nix;
    }

    /**
     * NAR sizes and references of the paths (and their closures) the caches hold, the first
     * cache's answer winning, counting only what Nix would substitute: {@code nix path-info
     * --json -r --store URL PATH} for each path and cache, in one {@code sh} per chunk (Nix fails
     * a whole query when one path is missing, so each path is asked alone and a miss prints
     * {@code []}). Local caches ({@code file://}) and remote ones alike; a cache that cannot be
     * reached counts as holding nothing.
     */
    List<PathInfo> pathInfo(Collection<StorePath> paths) {
        List<StorePath> asked = paths.stream().distinct().toList();
        Map<StorePath, PathInfo> found = new LinkedHashMap<>();
        for (String cache : substituters()) {
            List<StorePath> missing = asked.stream().filter(p -> !found.containsKey(p)).toList();
            for (int from = 0; from < missing.size(); from += PATHS_PER_CALL) {
                List<String> argv = new ArrayList<>(List.of("sh", "-c", CACHE_QUERY, "sh"));
                argv.addAll(nix.modern(false, List.of("path-info", "--json", "-r", "--store", cache)).argv());
                String chunk = missing.subList(from, Math.min(missing.size(), from + PATHS_PER_CALL)).stream()
                        .map(StorePath::path).collect(Collectors.joining(" "));
                Command command = nix.plain(argv);
                Map<String, String> environment = new HashMap<>(command.environment());
                environment.put("INCHWORM_PATHS", chunk);
                String printed = nix.text(command.withEnvironment(environment));
                for (String line : printed.lines().toList()) {
                    if (line.startsWith("[") || line.startsWith("{")) {
                        Set<String> substitutable = NixOutput.substitutable(line, hostSettings());
                        NixOutput.pathInfo(line).stream().filter(info -> substitutable.contains(info.path().path()))
                                .forEach(info -> found.putIfAbsent(info.path(), info));
                    }
                }
            }
        }
        return List.copyOf(found.values());
    }

    /**
     * The caches to ask, in order: those the profile's options name, then the host's own (its
     * {@code nix.conf}, as {@code nix show-config} resolves it), each once.
     */
    List<String> substituters() {
        List<String> caches = new ArrayList<>();
        for (String option : List.of("substituters", "extra-substituters")) {
            String value = nix.config().options().getOrDefault(option, "");
            for (String url : value.strip().split("\\s+")) {
                if (!url.isEmpty() && !caches.contains(url)) {
                    caches.add(url);
                }
            }
        }
        hostSettings().substituters().stream().filter(url -> !caches.contains(url)).forEach(caches::add);
        return caches;
    }

    /** The host's Nix settings, read once; unknown (nothing of the host's own) when Nix cannot say. */
    synchronized HostNixSettings hostSettings() {
        if (hostSettings == null) {
            try {
                NixCommands.Ran ran = nix.attempt(nix.modern(false, List.of("show-config", "--json")));
                hostSettings = ran.result().ok() ? NixOutput.hostSettings(ran.result().stdout()) : null;
            } catch (RuntimeException e) { // Nix that cannot start, or output it could not read
                hostSettings = null;
            }
            if (hostSettings == null) {
                LOG.warn("cannot read the host's Nix settings (nix show-config --json): only the profile's "
                        + "substituters are asked for sizes");
                hostSettings = HostNixSettings.UNKNOWN;
            }
        }
        return hostSettings;
    }
}
