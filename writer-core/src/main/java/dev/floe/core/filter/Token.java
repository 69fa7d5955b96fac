package dev.floe.core.filter;

/**
 * A lexical token. {@code text} is the exact source slice (for messages); {@code value} is what it
 * means: an identifier or string with its quotes and escapes removed, a number's digits, an
 * operator's symbol.
 */
record Token(Kind kind, String text, String value, int start) {
  enum Kind {
    IDENTIFIER,
    QUOTED_IDENTIFIER,
    STRING,
    NUMBER,
    OPERATOR,
    LEFT_PAREN,
    RIGHT_PAREN,
    COMMA,
    END
  }

  /** Keywords are unquoted identifiers, matched case-insensitively; "and" in quotes is a column. */
  boolean isKeyword(String keyword) {
    return kind == Kind.IDENTIFIER && value.equalsIgnoreCase(keyword);
  }

  boolean is(Kind expected) {
    return kind == expected;
  }

  String describe() {
    return switch (kind) {
      case END -> "end of input";
      case STRING, QUOTED_IDENTIFIER -> FilterErrors.shorten(text);
      default -> "'" + FilterErrors.shorten(text) + "'";
    };
  }
}
