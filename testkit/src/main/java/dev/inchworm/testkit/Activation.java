package dev.inchworm.testkit;

import dev.inchworm.api.nix.StorePath;
import java.util.Objects;

/**
 * One successful run of a scenario toplevel's {@code bin/switch-to-configuration}, as it
 * recorded itself in the host's {@code switch.log}.
 *
 * @param action   {@code switch}, {@code boot}, {@code test} or {@code dry-activate}
 * @param toplevel the toplevel whose script ran
 */
public record Activation(String action, StorePath toplevel) {

    public Activation {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(toplevel, "toplevel");
    }

    /** Parses a {@code switch.log} line, {@code ACTION TOPLEVEL}. */
    static Activation parse(String line) {
        String[] parts = line.strip().split(" ", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("not a switch.log line: '" + line + "'");
        }
        return new Activation(parts[0], StorePath.of(parts[1]));
    }
}
