package dev.floe.core.filter;

import dev.floe.core.config.InvalidConfigException;

/** Builds the "Invalid filter ..." errors, so every stage reports positions the same way. */
final class FilterErrors {
  // A filter may be 64 KiB long; echoing all of it into a log line helps nobody.
  private static final int MAX_ECHO = 200;
  private static final int ECHO_CONTEXT = 80;

  private FilterErrors() {}

  /**
   * An error at a character of the expression. The position is 1-based and counts code points, so
   * it matches what an editor shows even after an emoji in a string literal.
   */
  static InvalidConfigException at(String source, int index, String detail) {
    return new InvalidConfigException(
        "Invalid filter at position "
            + position(source, index)
            + ": "
            + detail
            + " in: "
            + echo(source, index));
  }

  static int position(String source, int index) {
    return source.codePointCount(0, Math.min(index, source.length())) + 1;
  }

  /** An error about the expression as a whole, which has no useful position. */
  static InvalidConfigException invalid(String detail) {
    return new InvalidConfigException("Invalid filter: " + detail);
  }

  /** Quotes user text (a token, a literal) for a message, shortened if it is long. */
  static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, safeEnd(text, 37)) + "...";
  }

  private static String echo(String source, int index) {
    if (source.length() <= MAX_ECHO) {
      return source;
    }
    int start = safeStart(source, Math.max(0, index - ECHO_CONTEXT));
    int end = safeEnd(source, Math.min(source.length(), index + ECHO_CONTEXT));
    return (start > 0 ? "..." : "")
        + source.substring(start, end)
        + (end < source.length() ? "..." : "");
  }

  // Never cut a surrogate pair in half: the message would carry a broken character.
  private static int safeStart(String text, int start) {
    return start > 0 && Character.isLowSurrogate(text.charAt(start)) ? start + 1 : start;
  }

  private static int safeEnd(String text, int end) {
    return end < text.length() && Character.isLowSurrogate(text.charAt(end)) ? end - 1 : end;
  }
}
