package dev.inchworm.api;

/** Settings of an extension that takes none: any key in its {@code settings:} block is an error. */
@Api(status = Api.Status.STABLE, since = "0.1")
public record NoSettings() {
}
