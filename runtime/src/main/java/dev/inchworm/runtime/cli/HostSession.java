package dev.inchworm.runtime.cli;

import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.runtime.config.HostProfile;
import dev.inchworm.runtime.engine.EngineSetup;
import dev.inchworm.runtime.engine.Extensions;
import dev.inchworm.runtime.engine.RunReport;
import dev.inchworm.runtime.engine.UpgradeEngine;
import dev.inchworm.runtime.journal.CrashPoint;
import dev.inchworm.runtime.nix.GitSource;
import dev.inchworm.runtime.nix.NixCli;
import dev.inchworm.runtime.plugin.PluginRegistry;
import dev.inchworm.runtime.plugin.ProfileSelections;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * One command's view of a host: its profile, the plugins it selects (bound to their
 * settings), real Nix and the system source through the host's command runner, and the
 * engine over them. Closing it stops the plugins and drops the source's evaluation roots.
 */
final class HostSession implements AutoCloseable {

    private final HostProfile profile;
    private final PluginRegistry registry;
    private final ProfileSelections selections;
    private final GitSource source;
    private final UpgradeEngine engine;

    private HostSession(HostProfile profile, PluginRegistry registry, ProfileSelections selections, GitSource source,
                        UpgradeEngine engine) {
        this.profile = profile;
        this.registry = registry;
        this.selections = selections;
        this.source = source;
        this.engine = engine;
    }

    /**
     * Reads the profile, loads and selects its plugins, and wires the engine.
     *
     * @throws dev.inchworm.runtime.config.ProfileException for a bad profile or selection (exit 2)
     */
    static HostSession open(InchwormCommand root, Path profileFile) {
        HostProfile profile = root.readProfile(profileFile);
        PluginRegistry registry = root.loadPlugins(Optional.of(profile));
        try {
            ProfileSelections selected = registry.select(profile);
            CommandRunner commands = root.environment().hostCommands().apply(profile);
            Path state = profile.stateDir().toAbsolutePath();
            NixCli nix = new NixCli(commands, profile.nix(), state.resolve("nix"), java.time.ZoneId.systemDefault(),
                    List.of(profile.nix().bootedSystem(), profile.nix().currentSystem()));
            GitSource source = new GitSource(commands, profile.system(), profile.nix(), state.resolve("source"));
            Extensions extensions = Extensions.bind(selected);
            CrashPoint crashPoint = CrashPoint.fromEnvironment(root.environment().variables(), HostSession::crash);
            EngineSetup setup = new EngineSetup(profile.host(), state, profile.switchAction(), profile.engine(), nix,
                    source, commands, extensions, crashPoint, Clock.systemDefaultZone(), profile.timeouts(), profile.nonVital());
            return new HostSession(profile, registry, selected, source, new UpgradeEngine(setup));
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /**
     * The system source must be there to plan or upgrade from (unless a remote brings it):
     * said up front, naming the key, instead of as a revision that cannot be found.
     */
    static void requireSource(HostProfile profile, Path profileFile) {
        var system = profile.system();
        if (system.remote().isEmpty() && !java.nio.file.Files.isDirectory(system.repository())) {
            throw new dev.inchworm.runtime.engine.RunRefused(profileFile + ": system.repository " + system.repository()
                    + (java.nio.file.Files.exists(system.repository()) ? " is not a folder" : " does not exist")
                    + "; it must be a git checkout of the system's configuration");
        }
    }

    /**
     * The crash-test hook ({@code INCHWORM_CRASH_AFTER}): says so on standard error and waits to
     * be killed with SIGKILL; if nobody does, halts (no shutdown hooks, no finally blocks).
     */
    static void crash() {
        System.err.println(CRASH_MARKER);
        System.err.flush();
        try {
            Thread.sleep(CRASH_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(137);
    }

    /** The line the crash hook prints when it is reached. */
    static final String CRASH_MARKER = "inchworm: crash point reached; waiting to be killed";
    private static final long CRASH_WAIT_MILLIS = 30_000;

    HostProfile profile() {
        return profile;
    }

    /** The profile's selections as the registry found them (plugin, settings, place in the profile). */
    ProfileSelections selections() {
        return selections;
    }

    UpgradeEngine engine() {
        return engine;
    }

    /** What follows each run: metrics and hooks, on this profile's host. */
    AfterRun afterRun(InchwormCommand root, Stderr err) {
        return new AfterRun(profile, root.environment().hostCommands().apply(profile), err,
                root.environment().variables(), Clock.systemUTC());
    }

    /** When the report's target revision was committed, if the system source knows it. */
    Optional<java.time.Instant> targetCommitted(RunReport report) {
        try {
            return report.to() == null || report.to().rev() == null ? Optional.empty()
                    : source.committedAt(report.to().rev());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The ids the profile selected, for reports on the terminal. */
    List<String> strategyIds() {
        return profile.strategies().stream().map(s -> s.id()).toList();
    }

    @Override
    public void close() {
        try {
            source.releaseEvaluations();
        } catch (RuntimeException e) {
            // Stale evaluation roots only keep a few .drv files alive until the next run.
        } finally {
            registry.close();
        }
    }
}
