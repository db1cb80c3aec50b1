package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.plugins.packagestepping.derivation.DerivationSource;
import dev.inchworm.api.nix.derivation.ModuloHashes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Rehashing throughput, side by side in one run: real {@code nix-instantiate} evaluating a
 * generated tree of derivations (into an emptied sandbox store, and read-only), against Java
 * re-deriving every {@code .drv} Nix wrote (parse, {@code hashDerivationModulo}, output paths,
 * {@code .drv} path). Writes the figures into the "Rehashing throughput" section of a
 * Markdown file. Run by {@code scripts/bench-rehash}; not a test.
 *
 * <p>Arguments: derivation count, runs, the Markdown file, the command line to record.
 */
public final class RehashBenchmark {

    private RehashBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int count = Integer.parseInt(args[0]);
        int runs = Integer.parseInt(args[1]);
        Path markdown = Path.of(args[2]);
        String commandLine = args.length > 3 ? args[3] : "scripts/bench-rehash";

        try (Sandbox sandbox = Sandbox.start(1024)) {
            String data = sandbox.write("data.txt", "some local file\n").toString();
            String file = sandbox.write("tree.nix", GeneratedDerivations.expression(count, 42, data)).toString();
            String nixVersion = sandbox.check("nix-instantiate", "--version").stdout().strip();

            List<Long> nixWrite = new ArrayList<>();
            List<Long> nixReadOnly = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                sandbox.check("sh", "-c", "rm -rf /nix/store /nix/var");
                long start = System.nanoTime();
                sandbox.check("nix-instantiate", file);
                nixWrite.add(System.nanoTime() - start);
                start = System.nanoTime();
                sandbox.check("nix-instantiate", "--readonly-mode", file);
                nixReadOnly.add(System.nanoTime() - start);
            }

            long readStart = System.nanoTime();
            Map<StorePath, String> texts = new HashMap<>();
            for (StorePath path : sandbox.derivationPaths()) {
                texts.put(path, sandbox.read(path).orElseThrow());
            }
            long readNanos = System.nanoTime() - readStart;

            List<Long> java = new ArrayList<>();
            int mismatches = 0;
            for (int run = 0; run < runs; run++) {
                long start = System.nanoTime();
                mismatches = rederiveAll(texts);
                java.add(System.nanoTime() - start);
            }
            if (mismatches != 0) {
                throw new IllegalStateException(mismatches + " derivations re-derived differently from Nix");
            }

            String section = section(count, texts.size(), runs, nixWrite, nixReadOnly, java, readNanos,
                    nixVersion, commandLine);
            write(markdown, section);
            System.out.print(section);
        }
    }

    /** Re-derives every derivation from its text; returns how many disagree with Nix's paths. */
    static int rederiveAll(Map<StorePath, String> texts) {
        DerivationSource source = DerivationSource.ofAterms(p -> Optional.ofNullable(texts.get(p)));
        ModuloHashes hashes = source.moduloHasher();
        int mismatches = 0;
        for (StorePath path : texts.keySet()) {
            Derivation drv = source.require(path);
            if (!drv.path().equals(path) || !hashes.outputPaths(drv).equals(drv.outputPaths())) {
                mismatches++;
            }
        }
        return mismatches;
    }

    static String section(int count, int drvs, int runs, List<Long> nixWrite, List<Long> nixReadOnly,
            List<Long> java, long readNanos, String nixVersion, String commandLine) {
        double javaMedian = ms(median(java));
        return String.format(Locale.ROOT, """
                ## Rehashing throughput

                Re-deriving a generated tree of %d derivations (%d `.drv` files counting three fixed-output
                twins; multi-output, fixed-output, chains hundreds deep, structured attributes, escapes and
                non-ASCII text; `GeneratedDerivations`, seed 42). Java parses every `.drv`, recomputes
                `hashDerivationModulo`, the output paths and the `.drv` path, and checks them against Nix's
                (0 mismatches). Real Nix evaluates the same expression. Median of %d runs, same machine,
                same run, side by side; times are wall clock in ms.

                | what | median | min | max |
                |---|---:|---:|---:|
                | `nix-instantiate` into an emptied sandbox store (evaluate, write every `.drv`) | %.0f | %.0f | %.0f |
                | `nix-instantiate --readonly-mode` (evaluate and hash, write nothing) | %.0f | %.0f | %.0f |
                | Java: parse + rehash + output and `.drv` paths, all derivations (first run: %.0f) | %.0f | %.0f | %.0f |

                Java re-derives %.0f derivations per second; reading the %d files took %.0f ms once.
                Masking re-derives only the aggregator layer (tens of derivations on a NixOS system) and
                hashes each unit's closure once, so a step's re-derivation costs a fraction of this.

                - Date: %s; %s; Java %s; %d cores.
                - Command: `%s`

                """,
                count, drvs, runs,
                ms(median(nixWrite)), ms(Collections.min(nixWrite)), ms(Collections.max(nixWrite)),
                ms(median(nixReadOnly)), ms(Collections.min(nixReadOnly)), ms(Collections.max(nixReadOnly)),
                ms(java.get(0)), javaMedian, ms(Collections.min(java)), ms(Collections.max(java)),
                drvs / (javaMedian / 1000.0), drvs, ms(readNanos),
                LocalDate.now(), nixVersion, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), commandLine);
    }

    /** Replaces (or appends) the section in the Markdown file, keeping the other sections. */
    static void write(Path markdown, String section) throws IOException {
        String text = Files.exists(markdown)
                ? Files.readString(markdown, StandardCharsets.UTF_8)
                : "# Benchmarks\n\nFigures measured by the scripts in `scripts/`; each section names its command.\n\n";
        int start = text.indexOf("## Rehashing throughput");
        if (start < 0) {
            text = text.endsWith("\n\n") ? text + section : text.stripTrailing() + "\n\n" + section;
        } else {
            int next = text.indexOf("\n## ", start + 1);
            text = text.substring(0, start) + section + (next < 0 ? "" : text.substring(next + 1));
        }
        Files.createDirectories(markdown.toAbsolutePath().getParent());
        Files.writeString(markdown, text.stripTrailing() + "\n", StandardCharsets.UTF_8);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
