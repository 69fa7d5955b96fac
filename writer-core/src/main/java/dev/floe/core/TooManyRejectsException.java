package dev.floe.core;

/** A run rejected a larger share of its events than allowed; it committed nothing and deleted its files. */
public class TooManyRejectsException extends RuntimeException {
  public TooManyRejectsException(String message) {
    super(message);
  }
}
