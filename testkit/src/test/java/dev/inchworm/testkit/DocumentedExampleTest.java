package dev.inchworm.testkit;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The example of docs/testkit.md, word for word: it must keep working. */
@ExtendWith(SandboxExtension.class)
class DocumentedExampleTest {

    @Test
    void collectingGarbageFreesTheOldSystem(@TinyHost(mib = 48) SandboxHost host, Scenario scenario) {
        Evaluation old = host.install(scenario, scenario.commit("initial", pkgs -> PackageSet.typical()));
        Revision next = scenario.commit("firefox 124", pkgs -> pkgs.bump("firefox", 4 * MiB));
        Evaluation target = host.evaluate(scenario, next);
        host.realise(target.drv()).requireOk();
        host.run("nix-env", "-p", SandboxHost.SYSTEM_PROFILE, "--set", target.toplevel().path()).requireOk();
        host.run(target.toplevel() + "/bin/switch-to-configuration", "switch").requireOk();
        host.run("nix-env", "-p", SandboxHost.SYSTEM_PROFILE, "--delete-generations", "old").requireOk();
        host.reboot();                                // the old system is no longer booted either
        long before = host.usedBytes();

        host.run("nix-store", "--gc").requireOk();    // your Reclaimer here

        assertFalse(host.exists(old.toplevel()));
        assertTrue(host.exists(target.toplevel()));
        assertTrue(host.usedBytes() < before - 2 * MiB, "the old firefox (2 MiB) is gone");
        assertEquals(List.of("switch", "switch"), host.activations().stream().map(Activation::action).toList());
    }
}
