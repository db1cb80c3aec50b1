package dev.inchworm.runtime.exec;

/** Where a reader puts the bytes of one stream. */
interface Sink {
    void write(byte[] bytes, int length);

    void end();
}
