package dev.inchworm.runtime.engine;

import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.api.nix.SystemSource;
import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.config.Timeouts;
import dev.inchworm.runtime.journal.CrashPoint;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Everything the engine works with on one host: the profile's choices and the host's services.
 *
 * @param host       the host's name
 * @param stateDir   journal, lock, reports, GC roots
 * @param action     the activation after each step
 * @param config     the profile's {@code engine:} block
 * @param nix        Nix on the host
 * @param source     the system source
 * @param commands   the command runner handed to extensions
 * @param extensions the selected extensions
 * @param crashPoint the crash-test hook ({@link CrashPoint#none()} in production)
 * @param clock      the clock for run ids and timestamps
 * @param timeouts   the profile's timeouts; the engine uses {@code pluginCall}
 * @param nonVital   the profile's {@code nonVital:} units, handed to the strategies
 */
public record EngineSetup(String host, Path stateDir, SwitchAction action, EngineConfig config, Nix nix,
                          SystemSource source, CommandRunner commands, Extensions extensions,
                          CrashPoint crashPoint, Clock clock, Timeouts timeouts,
                          List<dev.inchworm.api.strategy.NonVital> nonVital) {

    /** With no unit tagged non-vital. */
    public EngineSetup(String host, Path stateDir, SwitchAction action, EngineConfig config, Nix nix,
                       SystemSource source, CommandRunner commands, Extensions extensions,
                       CrashPoint crashPoint, Clock clock, Timeouts timeouts) {
        this(host, stateDir, action, config, nix, source, commands, extensions, crashPoint, clock, timeouts, List.of());
    }

    /** With the default timeouts. */
    public EngineSetup(String host, Path stateDir, SwitchAction action, EngineConfig config, Nix nix,
                       SystemSource source, CommandRunner commands, Extensions extensions,
                       CrashPoint crashPoint, Clock clock) {
        this(host, stateDir, action, config, nix, source, commands, extensions, crashPoint, clock, Timeouts.DEFAULTS);
    }

    public EngineSetup {
        Objects.requireNonNull(host, "host");
        stateDir = stateDir.toAbsolutePath();
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(nix, "nix");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(extensions, "extensions");
        Objects.requireNonNull(crashPoint, "crashPoint");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(timeouts, "timeouts");
        nonVital = List.copyOf(nonVital);
    }
}
