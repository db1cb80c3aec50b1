package dev.inchworm.runtime.cli;

import dev.inchworm.runtime.engine.HostStatus;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code inchworm status}: the host's systems, an unfinished run, the last report. Changes nothing. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the current, booted and initial generation, the revision, an unfinished run and the "
                + "last report.")
final class StatusCommand extends HostCommand {

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (HostSession session = HostSession.open(root, profileOption.required())) {
            HostStatus status = session.engine().status();
            if (output.json()) {
                ReportText.json(out, status);
            } else {
                ReportText.status(out, status);
            }
        }
        return ExitCode.OK.code();
    }
}
