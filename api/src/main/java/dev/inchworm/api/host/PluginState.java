package dev.inchworm.api.host;

import dev.inchworm.api.Api;
import java.util.Map;
import java.util.Optional;

/**
 * Small string notes an extension keeps for the current run. Each write is in the journal
 * (fsynced) before {@code put} returns: write the note first, then act, so that after a crash
 * the next run can finish or undo what was started.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface PluginState {

    Optional<String> get(String key);

    void put(String key, String value);

    void remove(String key);

    /** All notes of this extension, for inspection. */
    Map<String, String> all();
}
