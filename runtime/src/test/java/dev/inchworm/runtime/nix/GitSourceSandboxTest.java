package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.config.SystemConfig;
import dev.inchworm.testkit.PackageSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The git system source against a scenario repository and real Nix in a sandbox host. */
class GitSourceSandboxTest {

    private SandboxNix sandbox;
    private GitSource source;
    private Revision first;

    @BeforeEach
    void setUp() {
        sandbox = new SandboxNix(64);
        source = sandbox.source;
        first = sandbox.scenario.commit("initial", pkgs -> PackageSet.typical());
    }

    @AfterEach
    void tearDown() {
        sandbox.close();
    }

    @Test
    void resolvesRefsToFullCommits() {
        Revision second = sandbox.scenario.commit("bump htop", pkgs -> pkgs.bump("htop"));

        assertEquals(second, source.resolve("HEAD"));
        assertEquals(second, source.resolve("main"));
        assertEquals(first, source.resolve("HEAD~1"));
        assertEquals(first, source.resolve(first.shortId()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source.resolve("no-such-branch"));
        assertTrue(e.getMessage().contains("no-such-branch") && e.getMessage().contains(
                sandbox.scenario.repository().toString()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> source.resolve("--all"));
    }

    @Test
    void listsFirstParentCommitsOldestFirst() {
        Revision second = sandbox.scenario.commit("bump htop", pkgs -> pkgs.bump("htop"));
        Revision third = sandbox.scenario.commit("bump git", pkgs -> pkgs.bump("git"));

        assertEquals(List.of(second, third), source.firstParentCommits(first, third));
        assertEquals(List.of(), source.firstParentCommits(third, third));
    }

    @Test
    void evaluatesEachRevisionInTheReusedWorkFolder() {
        Revision second = sandbox.scenario.commit("bump htop", pkgs -> pkgs.bump("htop"));

        Evaluation one = source.evaluate(first);
        Evaluation two = source.evaluate(second);
        Evaluation oneAgain = source.evaluate(first);

        assertEquals(sandbox.host.evaluate(sandbox.scenario, first), one, "same as evaluating a plain checkout");
        assertEquals(sandbox.host.evaluate(sandbox.scenario, second), two);
        assertEquals(one, oneAgain);
        assertNotEquals(one.toplevel(), two.toplevel());
        assertTrue(one.toplevel().name().startsWith("nixos-system-vps-1-"), one.toplevel().name());
        assertTrue(Files.isRegularFile(source.checkoutDir().resolve("nixos/default.nix")));
        assertFalse(sandbox.nix.isValid(one.toplevel()), "evaluation builds nothing");
    }

    @Test
    void checkoutDropsUntrackedFilesBetweenRevisions() throws IOException {
        source.evaluate(first);
        Path stray = source.checkoutDir().resolve("pkgs/stray.nix");
        Files.writeString(stray, "throw \"stray\"");

        source.evaluate(first);

        assertFalse(Files.exists(stray));
    }

    @Test
    void evaluatedDerivationsSurviveCollectionUntilReleased() {
        Evaluation evaluation = source.evaluate(first);

        sandbox.nix.collectGarbage(OptionalLong.empty());
        assertTrue(sandbox.nix.isValid(evaluation.drv()), "rooted by the evaluation");

        source.releaseEvaluations();
        sandbox.nix.collectGarbage(OptionalLong.empty());
        assertFalse(sandbox.nix.isValid(evaluation.drv()));
    }

    @Test
    void anotherSessionClosingLeavesThisSessionsRootsAlone() {
        Evaluation evaluation = source.evaluate(first);
        // a read-only command (status, probe) or a plan beside a running upgrade: same work folder
        GitSource other = new GitSource(sandbox.runner, new SystemConfig(sandbox.scenario.repository(),
                dev.inchworm.testkit.Scenario.EXPRESSION, dev.inchworm.testkit.Scenario.ATTRIBUTE, Map.of(), false,
                Optional.empty()), sandbox.config, sandbox.host.stateDir().resolve("source"));
        other.evaluate(first);

        other.releaseEvaluations();
        sandbox.nix.collectGarbage(OptionalLong.empty());

        assertTrue(sandbox.nix.isValid(evaluation.drv()), "still rooted by the session that evaluated it");
        source.releaseEvaluations();
        sandbox.nix.collectGarbage(OptionalLong.empty());
        assertFalse(sandbox.nix.isValid(evaluation.drv()));
    }

    @Test
    void brokenExpressionGivesTheEvaluationError() throws IOException {
        Path packages = sandbox.scenario.repository().resolve("pkgs/default.nix");
        Files.writeString(packages, "throw \"package set broken on purpose\"\n");
        git("commit", "-q", "-a", "-m", "break the package set");
        Revision broken = source.resolve("HEAD");

        NixException e = assertThrows(NixException.class, () -> source.evaluate(broken));

        NixFailure.EvaluationFailed failure = assertInstanceOf(NixFailure.EvaluationFailed.class, e.failure());
        assertTrue(failure.detail().startsWith("error: package set broken on purpose"), failure.detail());
        assertEquals("nsenter", e.argv().get(0), "Nix ran on the host");
    }

    @Test
    void classicArgumentsReachTheExpression() throws IOException {
        Files.writeString(sandbox.scenario.repository().resolve("nixos/args.nix"),
                "{ label, count, debug }: derivation { name = \"args-${toString (count + 1)}\"; inherit label;"
                        + " debug = if debug then \"yes\" else \"no\";"
                        + " system = builtins.currentSystem; builder = \"/bin/sh\"; }\n");
        git("add", "nixos/args.nix");
        git("commit", "-q", "-m", "an expression with arguments");
        GitSource withArgs = new GitSource(sandbox.runner, new SystemConfig(sandbox.scenario.repository(),
                "nixos/args.nix", "", Map.of("label", "one \"two\" $(three)", "count", 41, "debug", true), false,
                Optional.empty()), sandbox.config, sandbox.host.stateDir().resolve("args-source"));

        Evaluation evaluation = withArgs.evaluate(withArgs.resolve("HEAD"));

        assertEquals("args-42.drv", evaluation.drv().name());
        String aterm = sandbox.nix.readDerivation(evaluation.drv());
        assertTrue(aterm.contains("(\"label\",\"one \\\"two\\\" $(three)\")"), aterm);
        assertTrue(aterm.contains("(\"debug\",\"yes\")"), aterm);
    }

    private void git(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", sandbox.scenario.repository().toString(),
                "-c", "user.name=test", "-c", "user.email=test@inchworm.invalid"));
        argv.addAll(List.of(args));
        assertTrue(sandbox.runner.run(Command.of(argv).local()).ok(), argv.toString());
    }
}
