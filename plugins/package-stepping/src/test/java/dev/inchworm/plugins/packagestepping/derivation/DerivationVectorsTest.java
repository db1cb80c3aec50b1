package dev.inchworm.plugins.packagestepping.derivation;

import dev.inchworm.api.nix.derivation.ModuloHashes;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.nix.derivation.DerivationOutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.StorePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared derivation vectors and real go-nix {@code .drv} files reproduce their own paths. */
class DerivationVectorsTest {

    static final List<String> VECTORS = List.of(
            "0hm2f1psjpcwg8fijsmr4wwxrx59s092-bar.drv",
            "292w8yzv5nn7nhdpxcs8b7vby2p27s09-nested-json.drv",
            "4wvvbi4jwn0prsdxb7vs673qa5h9gr7x-foo.drv",
            "52a9id8hx688hvlnz4d1n25ml1jdykz0-unicode.drv",
            "9lj1lkjm2ag622mh4h9rpy6j607an8g2-structured-attrs.drv",
            "ch49594n9avinrf8ip0aslidkc4lxkqv-foo.drv",
            "h32dahq0bx5rp1krcdx3a53asj21jvhk-has-multi-out.drv",
            "m1vfixn8iprlf0v9abmlrz7mjw1xj8kp-cp1252.drv",
            "ss2p4wmxijn652haqyd7dckxwl4c7hxx-bar.drv",
            "x6p0hg79i3wg0kkv7699935f7rrj9jf3-latin1.drv");

    static final List<String> GO_NIX = List.of(
            "0zhkga32apid60mm7nh92z2970im5837-bootstrap-tools.drv",
            "cl5fr6hlr6hdqza2vgb9qqy5s26wls8i-jq-1.6.drv",
            "m5j1yp47lw1psd9n6bzina1167abbprr-bash44-023.drv");

    static String resource(String folder, String file) {
        try (InputStream in = DerivationVectorsTest.class.getResourceAsStream("/derivations/" + folder + "/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<String> allFiles() {
        return Stream.concat(VECTORS.stream().map(f -> "vectors/" + f), GO_NIX.stream().map(f -> "go-nix/" + f));
    }

    /** All vectors as a source, keyed by their expected paths. */
    static DerivationSource vectorSource() {
        Map<StorePath, Derivation> all = new HashMap<>();
        for (String file : VECTORS) {
            StorePath path = new StorePath(StorePath.STORE_DIR + "/" + file);
            all.put(path, Derivation.read(path, resource("vectors", file)));
        }
        return DerivationSource.of(all);
    }

    @ParameterizedTest
    @MethodSource("allFiles")
    void printsByteIdenticalAndReproducesItsPath(String file) {
        String[] parts = file.split("/");
        String text = resource(parts[0], parts[1]);
        StorePath expected = new StorePath(StorePath.STORE_DIR + "/" + parts[1]);
        Derivation drv = Derivation.read(expected, text);
        assertEquals(text, drv.aterm(), "printed form of " + file);
        assertEquals(expected, drv.path(), "store path of " + file);
    }

    @ParameterizedTest
    @MethodSource("vectorsWithOutputs")
    void vectorOutputPathsRecompute(String file) {
        StorePath path = new StorePath(StorePath.STORE_DIR + "/" + file);
        Derivation drv = Derivation.read(path, resource("vectors", file));
        ModuloHashes hashes = vectorSource().moduloHasher();
        assertEquals(drv.outputPaths(), hashes.outputPaths(drv), "outputs of " + file);
        // Filling the outputs of the blanked derivation gives back the very file.
        assertEquals(drv, hashes.withOutputPaths(blanked(drv)));
    }

    static Stream<String> vectorsWithOutputs() {
        return VECTORS.stream();
    }

    static Derivation blanked(Derivation drv) {
        Map<String, DerivationOutput> outputs = new HashMap<>();
        Map<String, String> env = new HashMap<>(drv.env());
        drv.outputs().forEach((name, o) -> {
            outputs.put(name, o.isFixed() ? new DerivationOutput("", o.hashAlgo(), o.hash()) : DerivationOutput.deferred());
            if (env.containsKey(name)) {
                env.put(name, "");
            }
        });
        return drv.withOutputs(outputs).withEnv(env);
    }

    @Test
    void fixedOutputGoNixPatchRecomputesItsOutput() {
        String file = "m5j1yp47lw1psd9n6bzina1167abbprr-bash44-023.drv";
        StorePath path = new StorePath(StorePath.STORE_DIR + "/" + file);
        Derivation drv = Derivation.read(path, resource("go-nix", file));
        assertTrue(drv.isFixedOutput());
        ModuloHashes hashes = DerivationSource.of(Map.of()).moduloHasher();
        assertEquals(drv.outputPaths(), hashes.outputPaths(drv));
        // A flat sha256 output path is an output:out path, not a source path.
        assertEquals(new StorePath("/nix/store/x9cyj78gzd1wjf0xsiad1pa3ricbj566-bash44-023"), hashes.outputPaths(drv).get("out"));
    }

    @Test
    void inputAddressedGoNixOutputsNeedTheirInputDerivations() {
        // jq and bootstrap-tools name input .drv files that the test data does not include:
        // their drv paths and printed forms are checked above, their outputs cannot be.
        for (String file : List.of("cl5fr6hlr6hdqza2vgb9qqy5s26wls8i-jq-1.6.drv", "0zhkga32apid60mm7nh92z2970im5837-bootstrap-tools.drv")) {
            StorePath path = new StorePath(StorePath.STORE_DIR + "/" + file);
            Derivation drv = Derivation.read(path, resource("go-nix", file));
            ModuloHashes hashes = DerivationSource.of(Map.of()).moduloHasher();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hashes.outputPaths(drv));
            assertTrue(e.getMessage().contains("is not in the store"), e.getMessage());
        }
    }

    @Test
    void multiOutputJqKeepsSixOutputsAndSortedInputs() {
        String file = "cl5fr6hlr6hdqza2vgb9qqy5s26wls8i-jq-1.6.drv";
        Derivation drv = Derivation.read(new StorePath(StorePath.STORE_DIR + "/" + file), resource("go-nix", file));
        assertEquals(List.of("bin", "dev", "doc", "lib", "man", "out"), List.copyOf(drv.outputs().keySet()));
        assertEquals(new StorePath("/nix/store/amh6f24qs9809zg9xzckfi90ysfi8r2a-jq-1.6-bin"), drv.outputPaths().get("bin"));
        assertEquals("jq-1.6", drv.name());
        assertEquals(6, drv.inputDrvs().size());
    }

    @Test
    void latin1BytesSurviveAsCharacters() {
        String file = "x6p0hg79i3wg0kkv7699935f7rrj9jf3-latin1.drv";
        Derivation drv = Derivation.read(new StorePath(StorePath.STORE_DIR + "/" + file), resource("vectors", file));
        String chars = drv.env().get("chars");
        assertEquals(3, chars.length());
        assertTrue(chars.chars().allMatch(c -> c >= 0x80 && c <= 0xff), chars);
    }

    @Test
    void badInputIsRejectedNamingTheDerivationAndOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Derivation.parse("broken", "Derive([(\"out\",\"/nix/store/x\",\"\",\"\")],[],[],\"s\",\"b\",[],[])"));
        assertTrue(e.getMessage().contains("'broken'"), e.getMessage());
        assertTrue(e.getMessage().contains("/nix/store/x"), e.getMessage());
        IllegalArgumentException eof = assertThrows(IllegalArgumentException.class, () -> Derivation.parse("cut", "Derive([(\"out\""));
        assertTrue(eof.getMessage().contains("byte"), eof.getMessage());
    }
}
