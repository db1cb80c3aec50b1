package dev.inchworm.runtime.cli;

import dev.inchworm.api.ByteSize;
import dev.inchworm.runtime.config.HostProfile;
import dev.inchworm.runtime.config.Selection;
import dev.inchworm.runtime.plugin.PluginRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code inchworm config}: host profile tools. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Host profile tools.",
        subcommands = ConfigCommand.Validate.class)
final class ConfigCommand implements Callable<Integer> {

    @ParentCommand
    InchwormCommand root;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("inchworm config: a subcommand is needed");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    /** {@code inchworm config validate FILE}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check a host profile: its keys and values, and that every selected plugin id exists "
                    + "and accepts its settings.", "Prints OK and a summary, or the first error (exit code 2)."})
    static final class Validate implements Callable<Integer> {

        @ParentCommand
        private ConfigCommand config;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The host profile (.yaml, .yml or .json).")
        private Path file;

        @Option(names = "--no-plugins", description = "Check the file only, without loading plugins.")
        private boolean noPlugins;

        @Override
        public Integer call() {
            HostProfile profile = config.root.readProfile(file);
            // The file is checked, not the host: the NixOS module validates the profile inside Nix's
            // build sandbox, where the host's repository is absent. plan and upgrade refuse it.
            try {
                HostSession.requireSource(profile, file);
            } catch (dev.inchworm.runtime.engine.RunRefused missing) {
                config.root.stderr(spec).warning("inchworm: warning: " + missing.getMessage()
                        + " (plan and upgrade refuse to run until it does)");
            }
            if (!noPlugins) {
                try (PluginRegistry registry = config.root.loadPlugins(Optional.of(profile))) {
                    registry.select(profile);
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("OK: " + file + (noPlugins ? " (plugins not checked)" : ""));
            out.println("host:         " + profile.host());
            var system = profile.system();
            out.println("system:       " + system.repository() + (system.flake()
                    ? " (flake, " + system.attribute() + system.overrideInput().map(i -> ", override input " + i).orElse("") + ")"
                    : " (" + system.expression() + ", attribute " + system.attribute() + ")"));
            out.println("nix profile:  " + profile.nix().profile()
                    + (profile.nix().prefix().isEmpty() ? "" : "; prefix " + String.join(" ", profile.nix().prefix())));
            out.println("switch:       " + profile.switchAction().argument());
            out.println("state:        " + profile.stateDir());
            out.println("plugins dir:  " + profile.pluginsDir().map(Path::toString).orElse("(none)"));
            out.println("strategies:   " + ids(profile.strategies()));
            out.println("probe:        " + profile.probe().id());
            out.println("rollback:     " + profile.rollback().id());
            out.println("reclaimers:   " + ids(profile.reclaimers()));
            out.println("provisioners: " + ids(profile.provisioners()));
            out.println("engine:       reserve " + ByteSize.format(profile.engine().reserveBytes())
                    + ", on interrupted run: " + profile.engine().onInterrupted().name().toLowerCase(java.util.Locale.ROOT));
            out.flush();
            return ExitCode.OK.code();
        }

        private static String ids(List<Selection> selections) {
            return selections.isEmpty() ? "(none)" : selections.stream().map(Selection::id).collect(Collectors.joining(", "));
        }
    }
}
