package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.util.List;
import java.util.Objects;

/** A Nix command failed; {@link #failure()} says why, {@link #argv()} what was run. */
@Api(status = Api.Status.STABLE, since = "0.1")
public class NixException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient NixFailure failure;
    private final List<String> argv;

    public NixException(NixFailure failure, List<String> argv) {
        super(describe(failure, argv));
        this.failure = Objects.requireNonNull(failure, "failure");
        this.argv = List.copyOf(argv);
    }

    public NixFailure failure() {
        return failure;
    }

    public List<String> argv() {
        return argv;
    }

    private static String describe(NixFailure failure, List<String> argv) {
        String kind = failure.getClass().getSimpleName();
        String program = argv.isEmpty() ? "nix" : argv.get(0);
        return kind + " in '" + String.join(" ", argv.subList(0, Math.min(argv.size(), 4)))
                + (argv.size() > 4 ? " ..." : "") + "' (" + program + "): " + failure.detail();
    }
}
