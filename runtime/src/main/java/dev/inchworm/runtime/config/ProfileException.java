package dev.inchworm.runtime.config;

import java.util.Objects;

/**
 * A host profile that cannot be used: bad syntax, an unknown key, a wrong type, a missing value,
 * an unknown plugin id or settings a plugin rejects. The message names the file, line and
 * column, the key path ({@code nix.options}) and what is allowed, so it can be fixed without
 * reading code. The command line maps it to exit code 2.
 */
public class ProfileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SourceLocation location;
    private final String keyPath;
    private final String problem;

    /**
     * @param location where in the file (line 0 when the problem concerns the whole file)
     * @param keyPath  the key path, e.g. {@code nix.options} or {@code strategies[1].id}; empty
     *                 for the file itself
     * @param problem  what is wrong and what is allowed
     */
    public ProfileException(SourceLocation location, String keyPath, String problem) {
        this(location, keyPath, problem, null);
    }

    public ProfileException(SourceLocation location, String keyPath, String problem, Throwable cause) {
        super(format(location, keyPath, problem), cause);
        this.location = Objects.requireNonNull(location, "location");
        this.keyPath = Objects.requireNonNull(keyPath, "keyPath");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    private static String format(SourceLocation location, String keyPath, String problem) {
        return location + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + problem;
    }

    /** Where the problem is. */
    public SourceLocation location() {
        return location;
    }

    /** The key path of the offending value, empty for the whole file. */
    public String keyPath() {
        return keyPath;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }
}
