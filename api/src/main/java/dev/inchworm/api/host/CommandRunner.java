package dev.inchworm.api.host;

import dev.inchworm.api.Api;

/**
 * The one way to start a process. Implemented by the runtime; plugins never start processes
 * themselves.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface CommandRunner {

    /**
     * Runs the command to its end (or its timeout) and returns what it left. A non-zero exit
     * is not an exception: callers decide what it means.
     *
     * @throws CommandException when the program cannot be started at all
     */
    CommandResult run(Command command);
}
