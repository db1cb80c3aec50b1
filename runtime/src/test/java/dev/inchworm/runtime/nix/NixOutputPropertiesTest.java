package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.NixOutputException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every parser of Nix's output, given anything: a value, or a {@link NixOutputException}
 * saying what was printed; never another exception (docs/reliability.md).
 */
class NixOutputPropertiesTest {

    private static final List<String> FRAGMENTS = List.of(
            "/nix/store/", "a2s7rylazw3v1xajd1ldjwwn8wgdlba7", "-app", ".drv", "\"", "\n", "  ", " ",
            "these 3 derivations will be built:", "these 2 paths will be fetched (0.03 MiB download, 9.9 GiB unpacked):",
            "this path will be fetched", "12 store paths deleted, 3.5 MiB freed", "99999999999999999999",
            "1.2.3", "KiB", "TB", "bytes", "   1   2026-11-25 17:09:16   (current)", "2026-13-45 25:61:61",
            "{", "}", "[", "]", "\"path\":", "\"closureSize\":", "\"valid\": false", "null", ",", "\u0000", "\u00ff",
            "nix-env (Nix) 2.8.0", "error:", "-1", "0", "e9");

    @Provide
    Arbitrary<String> output() {
        Arbitrary<String> nearMiss = Arbitraries.of(FRAGMENTS).list().ofMaxSize(12).map(l -> String.join("", l));
        return Arbitraries.oneOf(nearMiss, Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(100));
    }

    private static void valueOrClearError(String input, Function<String, ?> parser) {
        try {
            parser.apply(input);
        } catch (NixOutputException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("an error without a message for: " + input, e);
            }
        }
    }

    @Property
    void dryRun(@ForAll("output") String s) {
        valueOrClearError(s, text -> NixOutput.dryRun(text.lines().toList()));
    }

    @Property
    void gcSummary(@ForAll("output") String s) {
        valueOrClearError(s, NixOutput::gcSummary);
    }

    @Property
    void storePaths(@ForAll("output") String s) {
        valueOrClearError(s, NixOutput::storePaths);
    }

    @Property
    void storePath(@ForAll("output") String s) {
        valueOrClearError(s, NixOutput::storePath);
    }

    @Property
    void size(@ForAll("output") String s) {
        valueOrClearError(s, NixOutput::size);
    }

    @Property
    void version(@ForAll("output") String s) {
        valueOrClearError(s, NixOutput::version);
    }

    @Property
    void generations(@ForAll("output") String s) {
        valueOrClearError(s, text -> NixOutput.generations(text, ZoneOffset.UTC));
    }

    @Property
    void pathInfo(@ForAll("output") String s) {
        valueOrClearError(s, NixOutput::pathInfo);
    }

    @Property
    void closureSize(@ForAll("output") String s) {
        valueOrClearError(s, NixOutput::closureSize);
    }

    @Property
    void evaluatedString(@ForAll("output") String s) {
        valueOrClearError(s, NixOutput::evaluatedString);
    }
}
