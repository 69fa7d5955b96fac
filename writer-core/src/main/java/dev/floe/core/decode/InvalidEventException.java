package dev.floe.core.decode;

/**
 * Why one event cannot be decoded; its message becomes the {@link Reject#reason()}.
 *
 * <p>Thrown for every rejected line, so it skips the stack trace: a flood of bad lines must not
 * cost a stack walk each.
 */
final class InvalidEventException extends RuntimeException {
  private static final int MAX_QUOTED_CHARS = 64;

  InvalidEventException(String reason) {
    super(reason, null, false, false);
  }

  /** Quotes text taken from the input, shortened so that a reason stays one short line. */
  static String quote(String text) {
    return "'" + shorten(text) + "'";
  }

  /** Text taken from the input, shortened so that a reason stays one short line. */
  static String shorten(String text) {
    if (text.length() <= MAX_QUOTED_CHARS) {
      return text;
    }
    int end = MAX_QUOTED_CHARS;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a surrogate pair: the reason is written out as UTF-8
    }
    return text.substring(0, end) + "...";
  }
}
