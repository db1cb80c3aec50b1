package dev.inchworm.plugins.packagestepping.derivation;

import dev.inchworm.api.nix.derivation.ModuloHashes;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.nix.derivation.StorePaths;
import dev.inchworm.api.nix.derivation.NixBase32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.plugins.packagestepping.GeneratedDerivations;
import dev.inchworm.plugins.packagestepping.Sandbox;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of varied derivations instantiated by real Nix 2.8 in a sandbox store: for every
 * {@code .drv} Nix wrote, Java prints the same bytes and computes the same {@code .drv} path
 * and output paths.
 */
class RealNixAgreementTest {

    static final int COUNT = 2500;
    static Sandbox sandbox;

    @BeforeAll
    static void instantiate() {
        sandbox = Sandbox.start(256);
        String data = sandbox.write("data.txt", "some local file\n").toString();
        String expression = GeneratedDerivations.expression(COUNT, 42, data);
        String file = sandbox.write("generated.nix", expression).toString();
        String out = sandbox.check("nix-instantiate", file).stdout();
        assertTrue(out.lines().count() >= COUNT, "nix-instantiate printed " + out.lines().count() + " paths");
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void everyDerivationNixWroteAgreesWithJava() {
        List<StorePath> paths = sandbox.derivationPaths();
        assertTrue(paths.size() > COUNT, "the store holds " + paths.size() + " derivations");
        DerivationSource source = sandbox.derivations();
        ModuloHashes hashes = source.moduloHasher();
        Map<Derivation.Kind, Integer> kinds = new EnumMap<>(Derivation.Kind.class);
        int multi = 0;
        int structured = 0;
        int nonAscii = 0;
        List<String> disagreements = new ArrayList<>();
        for (StorePath path : paths) {
            String text = sandbox.read(path).orElseThrow();
            Derivation drv = Derivation.read(path, text);
            if (!drv.aterm().equals(text)) {
                disagreements.add(path + ": printed form differs");
            }
            if (!drv.path().equals(path)) {
                disagreements.add(path + ": Java computes " + drv.path());
            }
            if (!hashes.outputPaths(drv).equals(drv.outputPaths())) {
                disagreements.add(path + ": outputs " + drv.outputPaths() + ", Java computes " + hashes.outputPaths(drv));
            }
            kinds.merge(drv.kind(), 1, Integer::sum);
            multi += drv.outputs().size() > 1 ? 1 : 0;
            structured += drv.env().containsKey("__json") ? 1 : 0;
            nonAscii += text.chars().anyMatch(c -> c > 0x7f) ? 1 : 0;
        }
        assertEquals(List.of(), disagreements.subList(0, Math.min(10, disagreements.size())),
                disagreements.size() + " disagreements");
        // The generated set really is varied.
        assertTrue(kinds.getOrDefault(Derivation.Kind.FIXED_OUTPUT, 0) > 100, kinds.toString());
        assertTrue(multi > 200, "multi-output: " + multi);
        assertTrue(structured > 50, "structured attrs: " + structured);
        assertTrue(nonAscii > 100, "non-ASCII: " + nonAscii);
    }

    @Test
    void fixedOutputTwinsShareTheirModuloHash() {
        StorePath uses = sandbox.derivationPaths().stream().filter(p -> p.name().equals("uses-twins.drv")).findFirst().orElseThrow();
        Derivation drv = sandbox.derivations().require(uses);
        assertEquals(2, drv.inputDrvs().size());
        ModuloHashes hashes = sandbox.derivations().moduloHasher();
        List<byte[]> twinHashes = drv.inputDrvs().keySet().stream().map(p -> hashes.of(p).get("out")).toList();
        assertEquals(HexFormat.of().formatHex(twinHashes.get(0)), HexFormat.of().formatHex(twinHashes.get(1)));
        assertEquals(drv.outputPaths(), hashes.outputPaths(drv));
    }

    @Test
    void base32AndBase16AgreeWithNixHash() {
        Random random = new Random(7);
        List<String> command = new ArrayList<>(List.of("nix-hash", "--type", "sha256", "--to-base32"));
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            hashes.add(hash);
            command.add(StorePaths.base16(hash));
        }
        List<String> nix = sandbox.run(command).check().stdout().lines().toList();
        assertEquals(hashes.size(), nix.size());
        for (int i = 0; i < hashes.size(); i++) {
            assertEquals(nix.get(i), NixBase32.encode(hashes.get(i)));
            assertEquals(StorePaths.base16(hashes.get(i)), StorePaths.base16(NixBase32.decode(nix.get(i), 32)));
        }
    }
}
