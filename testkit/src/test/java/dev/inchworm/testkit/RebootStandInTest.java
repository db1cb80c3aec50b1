package dev.inchworm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.StorePath;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The reboot stand-in a profile's engine.reboot.command points at, run inside the host as the engine runs it. */
@ExtendWith(SandboxExtension.class)
class RebootStandInTest {

    @Test
    void itBootsTheProfilesGenerationAndCountsTheReboot(@TinyHost(mib = 48) SandboxHost host, Scenario scenario) {
        Evaluation first = host.install(scenario, scenario.commit("initial", pkgs -> PackageSet.typical()));
        StorePath second = host.switchByHand(scenario, scenario.commit("hello bumped",
                pkgs -> pkgs.bump("hello", 64 * 1024)));
        assertEquals(Optional.of(first.toplevel()), host.bootedSystem(), "switched, not rebooted");
        assertNotEquals(first.toplevel(), second);

        Outcome ran = host.run(host.rebootCommand()).requireOk();

        assertTrue(ran.ok());
        assertEquals(Optional.of(second), host.bootedSystem());
        assertEquals(Optional.of(second), host.currentSystem());
        assertEquals(List.of(second), host.reboots());
        assertTrue(host.profile(scenario).rebootsWithStandIn(host, true).text().contains("bootedSystem"));
    }
}
