package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.util.List;

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
     * Evaluates a revision to its toplevel derivation and output path, in its own process
     * (the evaluator's memory is gone before any build starts). The revision is checked out
     * into a work folder first; nothing is copied into the store but what evaluation adds.
     */
    Evaluation evaluate(Revision revision);
}
