package dev.inchworm.runtime.cli;

import dev.inchworm.runtime.engine.Progress;
import dev.inchworm.runtime.engine.Reports;
import dev.inchworm.runtime.engine.RunReport;
import dev.inchworm.runtime.engine.UpgradeRequest;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code inchworm upgrade}: the main job. Exit 0 upgraded (or already current), 3 rolled back, 4 not restored, 5 locked. */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Upgrade the host to a revision of its system source, in steps that fit on the disk; "
                + "on failure, roll back to where it started.",
                "An interrupted run is taken over first (resumed, or rolled back as engine.onInterrupted says)."})
final class UpgradeCommand extends HostCommand {

    @Option(names = "--to", paramLabel = "REV", description = "Target revision (commit, branch, tag; default: HEAD).")
    private String to;

    @Option(names = "--from", paramLabel = "REV", description = "Revision the current system was built from, "
            + "when Inchworm did not install it (it remembers the systems it installs).")
    private String from;

    @Option(names = "--dry-run", description = "Only show the plan, as 'inchworm plan' does: no change to the host.")
    private boolean dryRun;

    @Option(names = "--progress", description = "Show progress on standard error even when it is not a terminal.")
    private boolean progress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        UpgradeRequest request = new UpgradeRequest(Optional.ofNullable(to), Optional.ofNullable(from));
        try (HostSession session = HostSession.open(root, profileOption.required())) {
            Stderr stderr = root.stderr(spec);
            AfterRun after = session.afterRun(root, stderr);
            try {
                HostSession.requireSource(session.profile(), profileOption.required());
                Progress shown = TerminalProgress.choose(stderr, output.json(), progress);
                if (dryRun) {
                    var plan = session.engine().plan(request, shown);
                    if (output.json()) {
                        ReportText.json(out, plan);
                    } else {
                        ReportText.plan(out, plan);
                    }
                    return ExitCode.OK.code();
                }
                RunReport report = session.engine().upgrade(request, shown);
                java.nio.file.Path saved = new Reports(session.profile().stateDir()).fileOf(report.runId());
                if (output.json()) {
                    ReportText.json(out, report);
                } else {
                    ReportText.report(out, report, saved);
                }
                ExitCode code = ReportText.exitCode(report.result());
                ReportText.outcome(stderr, report, saved, code);
                after.ran(report, saved, code, session.targetCommitted(report));
                return code.code();
            } catch (RuntimeException e) {
                if (!dryRun) {
                    after.withoutReport(FailureHandler.codeOf(e));
                }
                throw e;
            }
        }
    }
}
