package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.StorePath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DerivationSummaryTest {

    @Test
    void readsOutputsAndInputsOfARealDerivation() {
        DerivationSummary drv = DerivationSummary.parse(Captured.text("app.drv"));

        assertEquals(Map.of("out", "/nix/store/rbf62mp8nkhfxc157k9m2kpqjmqgb035-app"), drv.outputs());
        StorePath lib = new StorePath("/nix/store/qhdn6m2pybv2jnfbj7zd37ghk1qdlc9l-lib-1.drv");
        assertEquals(Map.of(lib, List.of("out")), drv.inputDrvs());
        assertEquals(List.of(), drv.inputSrcs());
        assertEquals(List.of(lib), drv.references());
    }

    @Test
    void readsEscapesAndSeveralOutputs() {
        String aterm = "Derive([(\"dev\",\"/nix/store/4j9k8vj5ivd8vxbfmjhqqhg86vhbx755-multi-dev\",\"\",\"\"),"
                + "(\"out\",\"/nix/store/qlh1vqayw7v5phkz84hc3j9mq10y22kj-multi\",\"\",\"\")],[],"
                + "[\"/nix/store/06f0s052vg4qrg3gcg3mkcy9vf0acdsm-builder.sh\"],\"x86_64-linux\",\"/bin/sh\","
                + "[\"-c\",\"echo \\\"a\\\\b\\\"\\n\"],[(\"name\",\"multi\")])";

        DerivationSummary drv = DerivationSummary.parse(aterm);

        assertEquals(List.of("dev", "out"), List.copyOf(drv.outputs().keySet()));
        assertEquals(List.of(new StorePath("/nix/store/06f0s052vg4qrg3gcg3mkcy9vf0acdsm-builder.sh")), drv.inputSrcs());
    }

    @Test
    void notADerivationNamesTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DerivationSummary.parse("Derive([(\"out\" \"x\")],"));
        assertTrue(e.getMessage().contains("offset 14"), e.getMessage());
    }
}
