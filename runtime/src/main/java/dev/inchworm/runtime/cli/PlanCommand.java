package dev.inchworm.runtime.cli;

import dev.inchworm.runtime.engine.Plan;
import dev.inchworm.runtime.engine.UpgradeRequest;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code inchworm plan}: what an upgrade would do now. Changes nothing on the host. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Show what an upgrade would do: the steps, what each builds, its estimated bytes and the free "
                + "bytes. No change to the host (evaluation may add .drv files to the store).")
final class PlanCommand extends HostCommand {

    @Option(names = "--to", paramLabel = "REV", description = "Target revision (default: HEAD).")
    private String to;

    @Option(names = "--from", paramLabel = "REV", description = "Revision of the current system, when not recorded.")
    private String from;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (HostSession session = HostSession.open(root, profileOption.required())) {
            HostSession.requireSource(session.profile(), profileOption.required());
            Plan plan = session.engine().plan(new UpgradeRequest(Optional.ofNullable(to), Optional.ofNullable(from)),
                    TerminalProgress.choose(root.stderr(spec), output.json(), false));
            if (output.json()) {
                ReportText.json(out, plan);
            } else {
                ReportText.plan(out, plan);
            }
        }
        return ExitCode.OK.code();
    }
}
