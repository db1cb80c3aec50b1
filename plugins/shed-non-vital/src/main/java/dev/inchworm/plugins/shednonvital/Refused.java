package dev.inchworm.plugins.shednonvital;

/** Shedding cannot be done as asked; the message says why, for the strategy's pass. */
final class Refused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Refused(String message) {
        super(message);
    }
}
