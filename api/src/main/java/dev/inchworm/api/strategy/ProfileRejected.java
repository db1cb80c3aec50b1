package dev.inchworm.api.strategy;

import dev.inchworm.api.Api;

/**
 * The profile names something only the two systems can check, and they say it is wrong (a
 * {@code nonVital} name that is no unit of either system): a configuration error, exit code 2
 * when it is found before anything changed. The message starts with the profile location.
 *
 * @since 0.3
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public class ProfileRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProfileRejected(String message) {
        super(message);
    }
}
