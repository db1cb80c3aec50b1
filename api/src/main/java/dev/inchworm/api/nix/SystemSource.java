package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.util.List;
import java.util.Optional;

/**
 * The system source: a git repository (a nixpkgs checkout, or a flake) whose revisions
 * evaluate to system toplevels, as the host profile's {@code system:} block describes.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface SystemSource {

    /** Resolves a ref ({@code HEAD}, a branch, a tag, a short or full commit id) to a revision. */
    Revision resolve(String ref);

    /** {@code git rev-list --first-parent --reverse FROM..TO}: oldest first, excluding FROM. */
    List<Revision> firstParentCommits(Revision from, Revision to);

    /**
     * Whether {@code ancestor} is {@code descendant} or in its history ({@code git merge-base
     * --is-ancestor}). The default asks {@link #firstParentCommits}: nothing of the ancestor's
     * history is missing from the descendant's.
     */
    default boolean isAncestor(Revision ancestor, Revision descendant) {
        return firstParentCommits(descendant, ancestor).isEmpty();
    }

    /**
     * Evaluates a revision to its toplevel derivation and output path, in its own process
     * (the evaluator's memory is gone before any build starts). The revision is checked out
     * into a work folder first; nothing is copied into the store but what evaluation adds.
     */
    Evaluation evaluate(Revision revision);

    /**
     * Brings new revisions from the source's remote, when it has one (a git fetch); nothing
     * otherwise. Called once at the start of {@code upgrade} and {@code plan}.
     *
     * @throws RuntimeException naming the remote when it cannot be fetched; nothing is changed then
     */
    default void fetch() {
    }

    /** The ref the target defaults to: the fetched branch's tip for a remote source, else {@code HEAD}. */
    default String defaultTarget() {
        return "HEAD";
    }

    /**
     * The revision a system says it was built from (NixOS writes it into the toplevel's
     * {@code nixos-version} file, {@code 24.05.20240601.abcdef1}), when it says one and the
     * source has that commit.
     */
    default Optional<Revision> revisionOf(StorePath toplevel) {
        return Optional.empty();
    }
}
