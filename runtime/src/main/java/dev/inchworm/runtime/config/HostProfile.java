package dev.inchworm.runtime.config;

import dev.inchworm.api.nix.SwitchAction;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A host profile: which system source, which Nix, which plugins. Read from YAML or JSON by
 * {@code ProfileReader}; the keys are documented in {@code docs/host-profile.md}.
 *
 * @param host         the host's name, for reports
 * @param system       how a revision of the system source evaluates to a toplevel
 * @param nix          how Nix is run on this host
 * @param switchAction the activation after each step ({@code switch:} key)
 * @param stateDir     journal, lock, reports, logs, work folders
 * @param pluginsDir   third-party plugins, loaded besides the bundled ones
 * @param strategies   upgrade strategies, asked in this order
 * @param probe        the storage probe
 * @param rollback     the rollback
 * @param reclaimers   reclaimers (run cheapest first)
 * @param provisioners provisioners (acquired in this order, released in reverse)
 * @param engine       settings of the upgrade engine itself
 * @param timeouts     how long Nix commands and plugin calls may take ({@code timeouts:})
 * @param nonVital     units the host can do without for a while ({@code nonVital:}), each with its location
 * @param metrics      the Prometheus text file written after each run ({@code metrics:})
 * @param hooks        commands run after each run ({@code hooks:})
 */
public record HostProfile(String host, SystemConfig system, NixConfig nix, SwitchAction switchAction,
                          Path stateDir, Optional<Path> pluginsDir, List<Selection> strategies,
                          Selection probe, Selection rollback, List<Selection> reclaimers,
                          List<Selection> provisioners, EngineConfig engine, Timeouts timeouts,
                          List<dev.inchworm.api.strategy.NonVital> nonVital, MetricsConfig metrics,
                          HooksConfig hooks) {

    public HostProfile {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(nix, "nix");
        Objects.requireNonNull(switchAction, "switch");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(pluginsDir, "pluginsDir");
        strategies = List.copyOf(strategies);
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(rollback, "rollback");
        reclaimers = List.copyOf(reclaimers);
        provisioners = List.copyOf(provisioners);
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(timeouts, "timeouts");
        nix = nix.withTimeouts(timeouts);
        nonVital = List.copyOf(nonVital);
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(hooks, "hooks");
    }
}
