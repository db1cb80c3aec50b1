package dev.inchworm.runtime.cli;

import dev.inchworm.runtime.config.HostProfile;
import dev.inchworm.runtime.config.ProfileReader;
import dev.inchworm.runtime.plugin.ApiVersion;
import dev.inchworm.runtime.plugin.PluginException;
import dev.inchworm.runtime.plugin.PluginRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code inchworm}: the root command. Subcommands are separate classes listed in
 * {@code subcommands}; each gets this object through {@code @ParentCommand} for what they
 * share: the bundled plugins folder, the profile reader and the process environment.
 */
@Command(name = "inchworm", mixinStandardHelpOptions = true, versionProvider = InchwormCommand.Version.class,
        description = "Upgrades NixOS hosts too small for a plain nixos-rebuild, in steps that fit on the disk.",
        subcommands = {PluginsCommand.class, ConfigCommand.class, ProbeCommand.class, UpgradeCommand.class,
                PlanCommand.class, StatusCommand.class, RollbackCommand.class, CommandLine.HelpCommand.class},
        exitCodeOnInvalidInput = 2, exitCodeOnExecutionException = 1,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:internal error",
                "2:usage or configuration error",
                "3:upgrade failed, host rolled back to where it started",
                "4:upgrade failed, host could not be restored",
                "5:another run holds the lock",
                "6:a plugin ended the process; the next run takes over"},
        footer = {"", "The bundled plugins are read from --plugins-dir, else $INCHWORM_PLUGINS, "
                + "else <inchworm.home>/plugins (set by the launcher)."})
public final class InchwormCommand implements Callable<Integer> {

    /** The runtime's version, when the jar does not carry one (development builds). */
    public static final String VERSION = "0.1.0";

    /** Environment variable naming the bundled plugins folder. */
    public static final String PLUGINS_VARIABLE = "INCHWORM_PLUGINS";

    private final CliEnvironment environment;
    private final ProfileReader reader = new ProfileReader();

    @Spec
    private CommandSpec spec;

    @Option(names = "--plugins-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Folder of the bundled plugins (default: $INCHWORM_PLUGINS, else <inchworm.home>/plugins).")
    private Path pluginsDir;

    public InchwormCommand(CliEnvironment environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** A ready command line: exit codes, error handling and help as documented. */
    public static CommandLine commandLine(CliEnvironment environment) {
        FailureHandler failures = new FailureHandler(environment.journal());
        return new CommandLine(new InchwormCommand(environment))
                .setExecutionExceptionHandler(failures)
                .setExitCodeExceptionMapper(failures);
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("inchworm: a command is needed");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    /** What the process gave the command line. */
    public CliEnvironment environment() {
        return environment;
    }

    /** Standard error of {@code spec}'s command line, as lines with priorities. */
    Stderr stderr(CommandSpec command) {
        return new Stderr(command.commandLine().getErr(), environment.journal());
    }

    /** Reads a host profile (errors are {@code ProfileException}s: exit 2). */
    public HostProfile readProfile(Path file) {
        return reader.read(file);
    }

    /** The folder of the bundled plugins, if one is known. */
    public Optional<Path> bundledPlugins() {
        if (pluginsDir != null) {
            return Optional.of(pluginsDir);
        }
        String variable = environment.variables().get(PLUGINS_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return Optional.of(Path.of(variable));
        }
        return environment.home().map(home -> Path.of(home, "plugins"));
    }

    /** The plugin folders: the bundled one, then the profile's {@code pluginsDir}. */
    public List<Path> pluginFolders(Optional<HostProfile> profile) {
        List<Path> roots = new ArrayList<>();
        bundledPlugins().ifPresent(roots::add);
        profile.flatMap(HostProfile::pluginsDir).filter(dir -> !roots.contains(dir)).ifPresent(roots::add);
        return roots;
    }

    /** Loads the plugins for a command; the caller closes the registry. */
    public PluginRegistry loadPlugins(Optional<HostProfile> profile) {
        profile.flatMap(HostProfile::pluginsDir).ifPresent(dir -> {
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new PluginException("pluginsDir " + dir + (java.nio.file.Files.exists(dir) ? " is not a folder"
                        : " does not exist") + "; create it, or remove pluginsDir from the profile");
            }
        });
        return PluginRegistry.load(pluginFolders(profile));
    }

    /** {@code --version}: the runtime's and the api's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String runtime = InchwormCommand.class.getPackage().getImplementationVersion();
            return new String[] {
                "inchworm " + (runtime != null ? runtime : VERSION),
                "api " + ApiVersion.current(),
                "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
