package dev.inchworm.plugins.packagestepping;

/** The upgrade cannot be done by package-stepping; the message says why (the strategy passes). */
final class Refused extends RuntimeException {
    Refused(String message) {
        super(message);
    }
}
