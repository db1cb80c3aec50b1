package dev.inchworm.runtime.cli;

import dev.inchworm.runtime.engine.Reports;
import dev.inchworm.runtime.engine.RunReport;
import dev.inchworm.runtime.journal.RunResult;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code inchworm rollback}: back to the generation before the last run. Exit 0 restored, 4 not, 5 locked. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Bring the host back to the system the last run started from (an interrupted run, or the "
                + "last upgrade), with the profile's rollback.")
final class RollbackCommand extends HostCommand {

    @Option(names = "--progress", description = "Show progress on standard error even when it is not a terminal.")
    private boolean progress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (HostSession session = HostSession.open(root, profileOption.required())) {
            Stderr stderr = root.stderr(spec);
            AfterRun after = session.afterRun(root, stderr);
            try {
                RunReport report = session.engine().rollBack(TerminalProgress.choose(stderr, output.json(), progress));
                java.nio.file.Path saved = new Reports(session.profile().stateDir()).fileOf(report.runId());
                if (output.json()) {
                    ReportText.json(out, report);
                } else {
                    ReportText.report(out, report, saved);
                }
                // Asked for, a rollback that restored the host is a success.
                ExitCode code = report.result() == RunResult.FAILED ? ExitCode.NOT_RESTORED : ExitCode.OK;
                ReportText.outcome(stderr, report, saved, code);
                after.ran(report, saved, code, session.targetCommitted(report));
                return code.code();
            } catch (RuntimeException e) {
                after.withoutReport(FailureHandler.codeOf(e));
                throw e;
            }
        }
    }
}
