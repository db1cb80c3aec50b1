package dev.inchworm.runtime.cli;

import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.NixOutputException;
import dev.inchworm.runtime.config.ProfileException;
import dev.inchworm.runtime.engine.RunRefused;
import dev.inchworm.runtime.journal.JournalException;
import dev.inchworm.runtime.journal.JournalWriteException;
import dev.inchworm.runtime.journal.LockHeldException;
import dev.inchworm.runtime.plugin.PluginException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * Turns an exception from a command into a message on standard error and an {@link ExitCode}.
 * Configuration problems get one line naming what to fix; anything else is an internal error
 * with its stack trace. Commands that end in another documented way (an upgrade rolled back,
 * a held lock) return that code from {@code call()} instead of throwing; a new exception type
 * that means one of them is mapped here.
 */
final class FailureHandler implements IExecutionExceptionHandler, IExitCodeExceptionMapper {

    private final boolean journal;

    FailureHandler(boolean journal) {
        this.journal = journal;
    }

    @Override
    public int getExitCode(Throwable failure) {
        return codeOf(failure);
    }

    /** The exit code a failure ends a command with. */
    static int codeOf(Throwable failure) {
        if (failure instanceof ProfileException || failure instanceof PluginException
                || failure instanceof CommandLine.ParameterException || failure instanceof RunRefused
                || failure instanceof dev.inchworm.api.strategy.ProfileRejected) {
            return ExitCode.USAGE.code();
        }
        if (failure instanceof NixException || failure instanceof NixOutputException) {
            // Outside a run (a run turns them into a failed step): Nix could not be started,
            // failed before anything was changed, or printed what cannot be read.
            return ExitCode.USAGE.code();
        }
        if (failure instanceof LockHeldException) {
            return ExitCode.LOCKED.code();
        }
        if (failure instanceof JournalWriteException) {
            // Mid-run: the host may be between systems; the next run resumes from the journal.
            return ExitCode.NOT_RESTORED.code();
        }
        if (failure instanceof JournalException) {
            // An unreadable or corrupt journal: nothing was done; the admin inspects the file.
            return ExitCode.USAGE.code();
        }
        return ExitCode.INTERNAL_ERROR.code();
    }

    /** The one line for a failure the admin can act on. */
    static String message(Throwable failure) {
        if (failure instanceof NixException nix && nix.failure() instanceof NixFailure.NixUnavailable) {
            return "Nix cannot be run on the host (check nix.prefix and nix.environment in the profile, and that "
                    + "Nix is installed there): " + failure.getMessage();
        }
        if (failure instanceof NixOutputException) {
            return "Nix printed what Inchworm cannot read; nothing was changed: " + failure.getMessage();
        }
        return failure.getMessage();
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parseResult) {
        int code = codeOf(failure);
        Stderr err = new Stderr(command.getErr(), journal);
        if (code == ExitCode.INTERNAL_ERROR.code()) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            err.error("inchworm: internal error: " + failure + System.lineSeparator() + trace);
        } else {
            err.error("inchworm: " + message(failure));
        }
        return code;
    }
}
