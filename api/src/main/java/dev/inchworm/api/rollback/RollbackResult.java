package dev.inchworm.api.rollback;

import dev.inchworm.api.Api;
import java.util.Objects;

/**
 * How a rollback ended.
 *
 * @param restored true when the host is on its initial toplevel again (profile and activation)
 * @param detail   what was done, or why it could not be
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record RollbackResult(boolean restored, String detail) {

    public RollbackResult {
        Objects.requireNonNull(detail, "detail");
    }

    public static RollbackResult restored(String detail) {
        return new RollbackResult(true, detail);
    }

    public static RollbackResult notRestored(String detail) {
        return new RollbackResult(false, detail);
    }
}
