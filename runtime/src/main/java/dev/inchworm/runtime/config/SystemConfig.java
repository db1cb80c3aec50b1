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
 * @param flake       flake evaluation: {@code nix eval REPO#ATTR} (with {@code overrideInput},
 *                    the expression names the flake and the repository is its overridden input)
 * @param overrideInput for flakes whose nixpkgs is an input: the input overridden per revision
 * @param remote      a git remote the repository is fetched from before each run (shallow)
 * @param branch      the remote's branch whose tip is the default target (with {@code remote})
 * @param fetchDepth  how many commits of the branch the first fetch brings; deepened on demand
 * @param nixosConfig a classic host's {@code configuration.nix}: evaluated as {@code <nixos-config>}
 *                    with {@code <nixpkgs>} the revision's checkout
 */
public record SystemConfig(Path repository, String expression, String attribute, Map<String, Object> args,
                           boolean flake, Optional<String> overrideInput, Optional<String> remote, String branch,
                           int fetchDepth, Optional<String> nixosConfig) {

    /** The default branch fetched from a remote. */
    public static final String DEFAULT_BRANCH = "main";
    /** The default depth of the first fetch. */
    public static final int DEFAULT_FETCH_DEPTH = 50;

    public SystemConfig {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(attribute, "attribute");
        args = Map.copyOf(args);
        Objects.requireNonNull(overrideInput, "overrideInput");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(nixosConfig, "nixosConfig");
        if (fetchDepth < 1) {
            throw new IllegalArgumentException("fetchDepth must be at least 1, not " + fetchDepth);
        }
    }

    /** A source without a remote: the repository as it is. */
    public SystemConfig(Path repository, String expression, String attribute, Map<String, Object> args,
                        boolean flake, Optional<String> overrideInput) {
        this(repository, expression, attribute, args, flake, overrideInput, Optional.empty(), DEFAULT_BRANCH,
                DEFAULT_FETCH_DEPTH, Optional.empty());
    }
}
