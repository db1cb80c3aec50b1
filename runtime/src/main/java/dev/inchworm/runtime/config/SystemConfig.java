package dev.inchworm.runtime.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code system:} block: a git repository whose revisions evaluate to a toplevel.
 *
 * @param repository  the git repository (a nixpkgs checkout, or a flake)
 * @param expression  file in it for {@code nix-instantiate} (classic evaluation)
 * @param attribute   attribute path of the toplevel
 * @param args        {@code --arg}/{@code --argstr} values: strings become --argstr, other
 *                    scalars --arg with their Nix text
 * @param flake       flake evaluation: {@code nix eval --raw REPO#ATTR.drvPath}, when set
 *                    the expression is ignored
 * @param overrideInput for flakes whose nixpkgs is an input: the input overridden per revision
 */
public record SystemConfig(Path repository, String expression, String attribute, Map<String, Object> args,
                           boolean flake, Optional<String> overrideInput) {

    public SystemConfig {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(attribute, "attribute");
        args = Map.copyOf(args);
        Objects.requireNonNull(overrideInput, "overrideInput");
    }
}
