package dev.inchworm.api.host;

import dev.inchworm.api.Api;
import java.util.List;

/** A program could not be started (not found, not executable). Names the argument list. */
@Api(status = Api.Status.STABLE, since = "0.1")
public class CommandException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final List<String> argv;

    public CommandException(List<String> argv, String message, Throwable cause) {
        super(message, cause);
        this.argv = List.copyOf(argv);
    }

    /** The argument list that could not be started. */
    public List<String> argv() {
        return argv;
    }
}
