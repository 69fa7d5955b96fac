package dev.floe.core.source;

/** Another run holds the source's lock or lease; this run should simply try again later. */
public class SourceBusyException extends RuntimeException {
  public SourceBusyException(String message) {
    super(message);
  }
}
