package dev.inchworm.api.nix;

import dev.inchworm.api.Api;

/**
 * Nix printed something Inchworm cannot read (a line that is not a store path, a listing in
 * another format, bytes that are not text): the command ran, but its answer cannot be trusted.
 * The message quotes what was printed, abbreviated. Outside a run it is exit 2 (nothing was
 * changed); inside one the run fails and rolls back like after any failed Nix command.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public class NixOutputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public NixOutputException(String message) {
        super(message);
    }

    public NixOutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
