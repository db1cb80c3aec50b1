package dev.inchworm.runtime.cli;

import dev.inchworm.runtime.engine.HostStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code inchworm status}: the host's systems, an unfinished run, the last report. Changes nothing. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the current, booted and initial generation, the revision, an unfinished run and the "
                + "last report.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    private InchwormCommand root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProfileOption profileOption;

    @Mixin
    private OutputOption output;

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
