package dev.inchworm.runtime.journal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A step's failure as the journal keeps it: enough to hand the strategy the same
 * {@link NixFailure} again after a crash.
 *
 * @param kind      what failed: one of Nix's failures or Inchworm's own
 * @param detail    Nix's (or the error's) words
 * @param storeFull for out-of-disk: the store had 0 bytes free
 * @param drv       for builder-failed: the derivation Nix named, or null
 * @param code      for other: the exit code; for timed-out: the timeout in seconds
 */
public record StepFailure(Kind kind, String detail, boolean storeFull, StorePath drv, long code) {

    /** What failed; written in the journal by its {@link #wire()} name. */
    public enum Kind {
        OUT_OF_DISK("out-of-disk"),
        OUT_OF_MEMORY("out-of-memory"),
        BUILDER_FAILED("builder-failed"),
        EVALUATION_FAILED("evaluation-failed"),
        TIMED_OUT("timed-out"),
        NIX_UNAVAILABLE("nix-unavailable"),
        OTHER("other"),
        /** Not Nix's: switch-to-configuration failed. */
        ACTIVATION("activation"),
        /** Not Nix's: /boot would not hold the step's kernel and initrd; refused before switching. */
        BOOT_FULL("boot-full"),
        /** Not Nix's: an unexpected error in Inchworm or a plugin. */
        ERROR("error");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        /** The name in the journal and the report, e.g. {@code out-of-disk}. */
        @JsonValue
        public String wire() {
            return wire;
        }

        /** The kind of a journal name; a name this version does not know is {@link #OTHER}. */
        @JsonCreator
        public static Kind of(String wire) {
            return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst().orElse(OTHER);
        }

        @Override
        public String toString() {
            return wire;
        }
    }

    public StepFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    public static StepFailure of(NixFailure failure) {
        if (failure instanceof NixFailure.OutOfDisk d) {
            return new StepFailure(Kind.OUT_OF_DISK, d.detail(), d.storeFull(), null, 0);
        } else if (failure instanceof NixFailure.OutOfMemory m) {
            return new StepFailure(Kind.OUT_OF_MEMORY, m.detail(), false, null, 0);
        } else if (failure instanceof NixFailure.BuilderFailed b) {
            return new StepFailure(Kind.BUILDER_FAILED, b.detail(), false, b.drv().orElse(null), 0);
        } else if (failure instanceof NixFailure.EvaluationFailed e) {
            return new StepFailure(Kind.EVALUATION_FAILED, e.detail(), false, null, 0);
        } else if (failure instanceof NixFailure.TimedOut t) {
            return new StepFailure(Kind.TIMED_OUT, t.detail(), false, null, t.after().toSeconds());
        } else if (failure instanceof NixFailure.NixUnavailable u) {
            return new StepFailure(Kind.NIX_UNAVAILABLE, u.detail(), false, null, 0);
        }
        NixFailure.Other o = (NixFailure.Other) failure;
        return new StepFailure(Kind.OTHER, o.detail(), false, null, o.exitCode());
    }

    /** A failure of Inchworm's own kind ({@link Kind#ACTIVATION}, {@link Kind#BOOT_FULL}, {@link Kind#ERROR}). */
    public static StepFailure own(Kind kind, String detail) {
        return new StepFailure(kind, detail, false, null, 0);
    }

    /** The failure as strategies see it; Inchworm's own kinds become {@link NixFailure.Other}. */
    public NixFailure toNixFailure() {
        return switch (kind) {
            case OUT_OF_DISK -> new NixFailure.OutOfDisk(storeFull, detail);
            case OUT_OF_MEMORY -> new NixFailure.OutOfMemory(detail);
            case BUILDER_FAILED -> new NixFailure.BuilderFailed(Optional.ofNullable(drv), detail);
            case EVALUATION_FAILED -> new NixFailure.EvaluationFailed(detail);
            case TIMED_OUT -> new NixFailure.TimedOut(Duration.ofSeconds(code), detail);
            case NIX_UNAVAILABLE -> new NixFailure.NixUnavailable(detail);
            case OTHER, ACTIVATION, BOOT_FULL, ERROR -> new NixFailure.Other((int) code, detail);
        };
    }

    @Override
    public String toString() {
        if (kind == Kind.TIMED_OUT) {
            // a step's Nix command is its build: name the key the admin would raise
            return kind + " after " + code + " s (the profile's timeouts.build), killed with its builders: " + detail;
        }
        return kind + ": " + detail;
    }
}
