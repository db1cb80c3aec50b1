package dev.inchworm.runtime.journal;

import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A step's failure as the journal keeps it: enough to hand the strategy the same
 * {@link NixFailure} again after a crash.
 *
 * @param kind      out-of-disk, out-of-memory, builder-failed, evaluation-failed, timed-out,
 *                  nix-unavailable, other; or Inchworm's own: activation, error
 * @param detail    Nix's (or the error's) words
 * @param storeFull for out-of-disk: the store had 0 bytes free
 * @param drv       for builder-failed: the derivation Nix named, or null
 * @param code      for other: the exit code; for timed-out: the timeout in seconds
 */
public record StepFailure(String kind, String detail, boolean storeFull, StorePath drv, long code) {

    /** Kind of a failure that is not Nix's: switch-to-configuration failed. */
    public static final String ACTIVATION = "activation";
    /** Kind of a failure that is not Nix's: an unexpected error in Inchworm or a plugin. */
    public static final String ERROR = "error";
    /** Kind of a step failure that needs more disk than there is. */
    public static final String OUT_OF_DISK = "out-of-disk";

    public StepFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    public static StepFailure of(NixFailure failure) {
        if (failure instanceof NixFailure.OutOfDisk d) {
            return new StepFailure(OUT_OF_DISK, d.detail(), d.storeFull(), null, 0);
        } else if (failure instanceof NixFailure.OutOfMemory m) {
            return new StepFailure("out-of-memory", m.detail(), false, null, 0);
        } else if (failure instanceof NixFailure.BuilderFailed b) {
            return new StepFailure("builder-failed", b.detail(), false, b.drv().orElse(null), 0);
        } else if (failure instanceof NixFailure.EvaluationFailed e) {
            return new StepFailure("evaluation-failed", e.detail(), false, null, 0);
        } else if (failure instanceof NixFailure.TimedOut t) {
            return new StepFailure("timed-out", t.detail(), false, null, t.after().toSeconds());
        } else if (failure instanceof NixFailure.NixUnavailable u) {
            return new StepFailure("nix-unavailable", u.detail(), false, null, 0);
        }
        NixFailure.Other o = (NixFailure.Other) failure;
        return new StepFailure("other", o.detail(), false, null, o.exitCode());
    }

    /** A failure of Inchworm's own kind ({@link #ACTIVATION}, {@link #ERROR}). */
    public static StepFailure own(String kind, String detail) {
        return new StepFailure(kind, detail, false, null, 0);
    }

    /** The failure as strategies see it; Inchworm's own kinds become {@link NixFailure.Other}. */
    public NixFailure toNixFailure() {
        return switch (kind) {
            case OUT_OF_DISK -> new NixFailure.OutOfDisk(storeFull, detail);
            case "out-of-memory" -> new NixFailure.OutOfMemory(detail);
            case "builder-failed" -> new NixFailure.BuilderFailed(Optional.ofNullable(drv), detail);
            case "evaluation-failed" -> new NixFailure.EvaluationFailed(detail);
            case "timed-out" -> new NixFailure.TimedOut(Duration.ofSeconds(code), detail);
            case "nix-unavailable" -> new NixFailure.NixUnavailable(detail);
            default -> new NixFailure.Other((int) code, detail);
        };
    }

    @Override
    public String toString() {
        return kind + ": " + detail;
    }
}
