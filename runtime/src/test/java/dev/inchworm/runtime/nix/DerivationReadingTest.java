package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backend reads {@code .drv} files through the api's one reader: what it relies on. */
class DerivationReadingTest {

    @Test
    void readsOutputsAndInputsOfARealDerivation() {
        Derivation drv = Derivation.parse("app", Captured.text("app.drv"));

        assertEquals(Map.of("out", new StorePath("/nix/store/rbf62mp8nkhfxc157k9m2kpqjmqgb035-app")), drv.outputPaths());
        StorePath lib = new StorePath("/nix/store/qhdn6m2pybv2jnfbj7zd37ghk1qdlc9l-lib-1.drv");
        assertEquals(Map.of(lib, Set.of("out")), drv.inputDrvs());
        assertEquals(Set.of(), drv.inputSrcs());
        assertEquals(Set.of(lib), drv.references());
    }

    @Test
    void readsEscapesAndSeveralOutputs() {
        String aterm = "Derive([(\"dev\",\"/nix/store/4j9k8vj5ivd8vxbfmjhqqhg86vhbx755-multi-dev\",\"\",\"\"),"
                + "(\"out\",\"/nix/store/qlh1vqayw7v5phkz84hc3j9mq10y22kj-multi\",\"\",\"\")],[],"
                + "[\"/nix/store/06f0s052vg4qrg3gcg3mkcy9vf0acdsm-builder.sh\"],\"x86_64-linux\",\"/bin/sh\","
                + "[\"-c\",\"echo \\\"a\\\\b\\\"\\n\"],[(\"name\",\"multi\")])";

        Derivation drv = Derivation.parse("multi", aterm);

        assertEquals(List.of("dev", "out"), List.copyOf(drv.outputs().keySet()));
        assertEquals(Set.of(new StorePath("/nix/store/06f0s052vg4qrg3gcg3mkcy9vf0acdsm-builder.sh")), drv.inputSrcs());
        assertEquals(List.of("-c", "echo \"a\\b\"\n"), drv.args());
    }

    @Test
    void notADerivationNamesTheDerivationAndTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Derivation.parse("x", "Derive([(\"out\" \"x\")],"));
        assertTrue(e.getMessage().contains("derivation 'x' at byte 14"), e.getMessage());
    }
}
