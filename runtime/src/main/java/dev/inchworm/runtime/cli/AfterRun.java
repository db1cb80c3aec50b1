package dev.inchworm.runtime.cli;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.runtime.config.HostProfile;
import dev.inchworm.runtime.engine.RunMetrics;
import dev.inchworm.runtime.engine.RunReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What follows every run of {@code upgrade} and {@code rollback}: the metrics file
 * ({@code metrics.textfile}) and the {@code hooks.afterRun} commands. Neither changes the
 * command's exit code; a failure of either is a warning.
 */
final class AfterRun {

    /** Test hook: the metrics write stops, as a kill would, between its temporary file and the rename. */
    static final String CRASH_IN_METRICS = "INCHWORM_CRASH_IN_METRICS";

    private final HostProfile profile;
    private final CommandRunner commands;
    private final Stderr err;
    private final Map<String, String> variables;
    private final Clock clock;

    AfterRun(HostProfile profile, CommandRunner commands, Stderr err, Map<String, String> variables, Clock clock) {
        this.profile = profile;
        this.commands = commands;
        this.err = err;
        this.variables = variables;
        this.clock = clock;
    }

    /** After a run with a report: its metrics, then each hook with the report's path. */
    void ran(RunReport report, Path reportFile, ExitCode code, Optional<Instant> targetCommitted) {
        metrics(RunMetrics.of(report, code.code(), clock.instant(), targetCommitted));
        for (List<String> hook : profile.hooks().afterRun()) {
            hook(hook, reportFile, report.result().word(), code);
        }
    }

    /** After a command that ended with no report (refused, locked out, an error): the metrics only. */
    void withoutReport(int code) {
        String result = code == ExitCode.LOCKED.code() ? "locked" : code == ExitCode.USAGE.code() ? "refused" : "error";
        metrics(RunMetrics.withoutReport(result, code, clock.instant()));
    }

    private void metrics(RunMetrics metrics) {
        Optional<Path> file = profile.metrics().textfile();
        if (file.isEmpty()) {
            return;
        }
        Runnable crash = variables.containsKey(CRASH_IN_METRICS) ? HostSession::crash : () -> { };
        try {
            metrics.writeTo(file.get(), crash);
        } catch (IOException | RuntimeException e) {
            err.warning("inchworm: warning: cannot write the metrics file " + file.get() + ": " + e.getMessage());
        }
    }

    private void hook(List<String> hook, Path reportFile, String result, ExitCode code) {
        List<String> argv = new ArrayList<>(hook);
        argv.add(reportFile.toString());
        Command command = Command.of(argv).local().withTimeout(profile.hooks().timeout())
                .withEnvironment(Map.of("INCHWORM_RESULT", result, "INCHWORM_EXIT_CODE", Integer.toString(code.code())));
        try {
            CommandResult ran = commands.run(command);
            if (ran.timedOut()) {
                err.warning("inchworm: warning: hook " + hook + " did not finish within "
                        + profile.hooks().timeout().toSeconds() + " s (hooks.timeout) and was killed");
            } else if (!ran.ok()) {
                err.warning("inchworm: warning: hook " + hook + " failed with exit code " + ran.exitCode()
                        + (ran.stderrTail().isEmpty() ? "" : ": " + String.join(" / ", ran.stderrTail())));
            }
        } catch (RuntimeException e) {
            err.warning("inchworm: warning: hook " + hook + " could not be run: " + e.getMessage());
        }
    }
}
