package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.CommandResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Outputs of real Nix kept under {@code src/test/resources/nix-output} (see its README). */
final class Captured {

    private Captured() {
    }

    static String text(String name) {
        try (InputStream in = Captured.class.getResourceAsStream("/nix-output/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no captured output " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a capture, without the {@code rc=N} line the capture script appended. */
    static List<String> lines(String name) {
        return text(name).lines().filter(line -> !line.startsWith("rc=")).toList();
    }

    /** The exit code the capture script recorded. */
    static int exitCode(String name) {
        return text(name).lines().filter(line -> line.startsWith("rc=")).map(line -> Integer.parseInt(line.substring(3)))
                .findFirst().orElse(0);
    }

    /** A failed command result with a captured stderr (its last 40 lines, as the runner keeps). */
    static CommandResult failedWithStderr(String name) {
        List<String> lines = new ArrayList<>(lines(name));
        List<String> tail = lines.subList(Math.max(0, lines.size() - 40), lines.size());
        return new CommandResult(List.of("nix-store", "--realise"), exitCode(name), "", tail, false, false,
                Duration.ofMillis(10), Optional.empty());
    }
}
