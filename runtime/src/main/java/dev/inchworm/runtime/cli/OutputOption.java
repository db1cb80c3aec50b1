package dev.inchworm.runtime.cli;

import picocli.CommandLine.Option;

/** {@code --json}: machine-readable output instead of text. Shared by reporting commands. */
public final class OutputOption {

    @Option(names = "--json", description = "Print JSON instead of text.")
    private boolean json;

    /** Whether JSON was asked for. */
    public boolean json() {
        return json;
    }
}
