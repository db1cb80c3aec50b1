package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.runtime.config.SystemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flake evaluation ({@code nix eval}, with and without an overridden input) in a sandbox host. */
class FlakeSourceSandboxTest {

    private static final String PACKAGES = "{ version }: derivation { name = \"toplevel-${version}\";"
            + " system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ \"-c\" \"echo > $out\" ]; }\n";

    private SandboxNix sandbox;

    @BeforeEach
    void setUp() {
        sandbox = new SandboxNix(64);
    }

    @AfterEach
    void tearDown() {
        sandbox.close();
    }

    @Test
    void evaluatesTheRepositoryAsAFlakeAtEachRevision() throws IOException {
        Path repo = repository("system-flake");
        write(repo, "packages.nix", PACKAGES);
        write(repo, "flake.nix", "{ outputs = { self }: { system = import ./packages.nix { version = \"1\"; }; }; }\n");
        Revision one = commit(repo, "one");
        write(repo, "flake.nix", "{ outputs = { self }: { system = import ./packages.nix { version = \"2\"; }; }; }\n");
        Revision two = commit(repo, "two");
        GitSource source = flakeSource(repo, null, Optional.empty());

        Evaluation first = source.evaluate(one);
        Evaluation second = source.evaluate(two);

        assertEquals("toplevel-1.drv", first.drv().name());
        assertEquals("toplevel-1", first.toplevel().name());
        assertEquals("toplevel-2", second.toplevel().name());
        assertEquals(List.of(first.toplevel()), sandbox.nix.realise(first.drv(), Optional.empty(), line -> { }));
    }

    @Test
    void overridesTheFlakesInputWithTheRepositoryAtEachRevision() throws IOException {
        Path packages = repository("nixpkgs");
        write(packages, "default.nix", "import ./packages.nix { version = \"1\"; }\n");
        write(packages, "packages.nix", PACKAGES);
        Revision one = commit(packages, "one");
        write(packages, "default.nix", "import ./packages.nix { version = \"2\"; }\n");
        Revision two = commit(packages, "two");
        Path config = repository("config");
        write(config, "flake.nix", "{\n  inputs.nixpkgs = { url = \"git+file:///nonexistent\"; flake = false; };\n"
                + "  outputs = { self, nixpkgs }: { system = import nixpkgs; };\n}\n");
        commit(config, "config");
        GitSource source = flakeSource(packages, "git+file://" + config, Optional.of("nixpkgs"));

        Evaluation first = source.evaluate(one);
        Evaluation second = source.evaluate(two);

        assertEquals("toplevel-1", first.toplevel().name());
        assertEquals("toplevel-2", second.toplevel().name());
        assertNotEquals(first.drv(), second.drv());
        sandbox.nix.collectGarbage(OptionalLong.empty());
        assertTrue(sandbox.nix.isValid(first.drv()) && sandbox.nix.isValid(second.drv()), "evaluations are rooted");
    }

    @Test
    void brokenFlakeGivesTheEvaluationError() throws IOException {
        Path repo = repository("broken-flake");
        write(repo, "flake.nix", "{ outputs = { self }: { system = throw \"flake broken on purpose\"; }; }\n");
        Revision broken = commit(repo, "broken");

        NixException e = assertThrows(NixException.class, () -> flakeSource(repo, null, Optional.empty()).evaluate(broken));

        NixFailure.EvaluationFailed failure = assertInstanceOf(NixFailure.EvaluationFailed.class, e.failure());
        assertTrue(failure.detail().contains("flake broken on purpose"), failure.detail());
    }

    private GitSource flakeSource(Path repository, String expression, Optional<String> overrideInput) {
        return new GitSource(sandbox.runner, new SystemConfig(repository, expression, "system", Map.of(), true,
                overrideInput), sandbox.config, sandbox.host.stateDir().resolve("source-" + repository.getFileName()));
    }

    private Path repository(String name) throws IOException {
        Path repo = Files.createDirectories(sandbox.host.workDir().resolve(name));
        git(repo, "init", "-q");
        return repo;
    }

    private static void write(Path repo, String file, String text) throws IOException {
        Files.writeString(repo.resolve(file), text);
    }

    private Revision commit(Path repo, String message) {
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", message);
        return new GitSource(sandbox.runner, new SystemConfig(repo, "", "", Map.of(), true, Optional.empty()),
                sandbox.config, sandbox.host.stateDir()).resolve("HEAD");
    }

    private void git(Path repo, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", repo.toString(),
                "-c", "user.name=test", "-c", "user.email=test@inchworm.invalid"));
        argv.addAll(List.of(args));
        var result = sandbox.runner.run(Command.of(argv).local());
        assertTrue(result.ok(), argv + ": " + result.stderr());
    }
}
