package dev.inchworm.runtime.nix;

/** The system source's remote could not be fetched (offline, refused, rewritten history); nothing changed. */
public final class SourceFetchException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public SourceFetchException(String message) {
        super(message);
    }
}
