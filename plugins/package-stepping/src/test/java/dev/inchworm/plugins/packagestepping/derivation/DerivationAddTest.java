package dev.inchworm.plugins.packagestepping.derivation;

import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.nix.derivation.DerivationOutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.plugins.packagestepping.Sandbox;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The builtins.toFile route registers derivations at exactly the paths Java computes. */
class DerivationAddTest {

    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(32);
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    static List<StorePath> add(String fileName, String expression) {
        String file = sandbox.write(fileName, DerivationAdd.bytes(expression)).toString();
        return DerivationAdd.parseResult(sandbox.run(DerivationAdd.command(file)).check().stdout());
    }

    @Test
    void vectorsRegisterAtTheirOwnPathsByteForByte() {
        Map<StorePath, Derivation> vectors = new HashMap<>();
        for (String file : DerivationVectorsTest.VECTORS) {
            StorePath path = new StorePath(StorePath.STORE_DIR + "/" + file);
            vectors.put(path, Derivation.read(path, DerivationVectorsTest.resource("vectors", file)));
        }
        // Inputs first: the two "foo" vectors reference the "bar" ones, added in the same batch.
        List<StorePath> order = new ArrayList<>(vectors.keySet());
        order.sort(Comparator.comparing((StorePath p) -> vectors.get(p).inputDrvs().size()).thenComparing(p -> p));
        List<StorePath> added = add("vectors.nix", DerivationAdd.expression(order.stream().map(vectors::get).toList()));
        assertEquals(order, added);
        for (StorePath path : order) {
            assertEquals(DerivationVectorsTest.resource("vectors", path.baseName()),
                    sandbox.read(path).orElseThrow(), "bytes of " + path);
        }
        // The references were registered too.
        StorePath foo = new StorePath("/nix/store/4wvvbi4jwn0prsdxb7vs673qa5h9gr7x-foo.drv");
        String refs = sandbox.check("nix-store", "--query", "--references", foo.path()).stdout();
        assertEquals("/nix/store/0hm2f1psjpcwg8fijsmr4wwxrx59s092-bar.drv", refs.strip());
    }

    @Test
    void singleDerivationWithSourcesAndSpecialCharacters() {
        // An input source: a text file registered first.
        StorePath source = add("source.nix", "builtins.toFile \"helper.sh\" \"echo hi\"").get(0);
        Map<String, String> env = new HashMap<>(Map.of("name", "special", "out", "", "builder", "/bin/sh",
                "text", "quotes \" backslash \\ dollar ${x} $y\ncr\r tab\t latin1 \u00e9\u00ff end",
                "helper", source.path()));
        Derivation blank = new Derivation("special", new java.util.TreeMap<>(Map.of("out", DerivationOutput.deferred())),
                new java.util.TreeMap<>(), new java.util.TreeSet<>(List.of(source)), "x86_64-linux", "/bin/sh",
                List.of("-c", "echo \"$text\""), new java.util.TreeMap<>(env));
        Derivation drv = DerivationSource.of(Map.of()).moduloHasher().withOutputPaths(blank);
        List<StorePath> added = add("special.nix", DerivationAdd.expression(drv));
        assertEquals(List.of(drv.path()), added);
        assertEquals(drv.aterm(), sandbox.read(drv.path()).orElseThrow());
        assertEquals(source.path(), sandbox.check("nix-store", "--query", "--references", drv.path().path()).stdout().strip());
    }

    @Test
    void nixRejectsAWrongOutputPath() {
        StorePath path = new StorePath("/nix/store/292w8yzv5nn7nhdpxcs8b7vby2p27s09-nested-json.drv");
        Derivation good = Derivation.read(path, DerivationVectorsTest.resource("vectors", path.baseName()));
        // Point "out" at the output of another derivation: a forged, inconsistent .drv.
        String forgedOut = "/nix/store/vgvdj6nf7s8kvfbl2skbpwz9kc7xjazc-nested-json";
        Map<String, String> env = new HashMap<>(good.env());
        env.put("out", forgedOut);
        Derivation forged = good.withOutputs(Map.of("out", new DerivationOutput(forgedOut, "", ""))).withEnv(env);
        assertNotEquals(good.path(), forged.path());
        String file = sandbox.write("forged.nix", DerivationAdd.bytes(DerivationAdd.expression(forged))).toString();
        Sandbox.Result result = sandbox.run(DerivationAdd.command(file));
        assertNotEquals(0, result.exitCode());
        assertTrue(result.stderr().contains("incorrect output"), result.stderr());
        // The file may be left on disk, but it is not a valid (registered) path.
        assertNotEquals(0, sandbox.run(List.of("nix-store", "--check-validity", forged.path().path())).exitCode());
    }
}
