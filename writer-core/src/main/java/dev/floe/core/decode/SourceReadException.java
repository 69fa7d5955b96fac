package dev.floe.core.decode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The input stream of a source failed while it was being read (not its content: a disk error, a
 * connection reset). Nothing is wrong with the events; reading the source again may succeed.
 */
public class SourceReadException extends UncheckedIOException {
  public SourceReadException(String sourceName, IOException cause) {
    super("Cannot read source " + sourceName + ": " + cause.getMessage(), cause);
  }
}
