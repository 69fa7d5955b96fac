package dev.floe.core.filter;

import dev.floe.core.filter.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/** Splits a filter expression into tokens; the last token is always {@link Kind#END}. */
final class Lexer {
  private final String source;
  private final List<Token> tokens = new ArrayList<>();
  private int pos;

  private Lexer(String source) {
    this.source = source;
  }

  static List<Token> tokenize(String source) {
    Lexer lexer = new Lexer(source);
    lexer.run();
    return lexer.tokens;
  }

  private void run() {
    while (true) {
      while (pos < source.length() && Character.isWhitespace(source.charAt(pos))) {
        pos++;
      }
      if (pos >= source.length()) {
        tokens.add(new Token(Kind.END, "", "", pos));
        return;
      }
      tokens.add(next());
    }
  }

  private Token next() {
    int start = pos;
    char c = source.charAt(pos);
    if (c == '\'') {
      return quoted(Kind.STRING, '\'', "string");
    }
    if (c == '"') {
      return quoted(Kind.QUOTED_IDENTIFIER, '"', "quoted identifier");
    }
    if (isDigit(c) || ((c == '-' || c == '.') && startsNumberAfter(c))) {
      return number();
    }
    if (Character.isLetter(c) || c == '_') {
      while (pos < source.length() && isIdentifierPart(source.charAt(pos))) {
        pos++;
      }
      return token(Kind.IDENTIFIER, start, source.substring(start, pos));
    }
    switch (c) {
      case '(':
        pos++;
        return token(Kind.LEFT_PAREN, start, "(");
      case ')':
        pos++;
        return token(Kind.RIGHT_PAREN, start, ")");
      case ',':
        pos++;
        return token(Kind.COMMA, start, ",");
      default:
        return operator();
    }
  }

  /** Quoted text where a doubled quote stands for one quote character, as in SQL. */
  private Token quoted(Kind kind, char quote, String what) {
    int start = pos++;
    StringBuilder value = new StringBuilder();
    while (pos < source.length()) {
      char c = source.charAt(pos++);
      if (c != quote) {
        value.append(c);
      } else if (pos < source.length() && source.charAt(pos) == quote) {
        value.append(quote);
        pos++;
      } else {
        if (kind == Kind.QUOTED_IDENTIFIER && value.length() == 0) {
          throw FilterErrors.at(source, start, "empty quoted identifier");
        }
        return token(kind, start, value.toString());
      }
    }
    throw FilterErrors.at(source, start, "unterminated " + what);
  }

  private Token number() {
    int start = pos;
    if (source.charAt(pos) == '-') {
      pos++;
    }
    skipDigits();
    if (pos < source.length() && source.charAt(pos) == '.') {
      pos++;
      skipDigits();
    }
    // "1e5", "1.2.3" and "12abc" are one mistake, not a number followed by a column name.
    int end = pos;
    while (end < source.length()
        && (isIdentifierPart(source.charAt(end)) || source.charAt(end) == '.')) {
      end++;
    }
    if (end > pos) {
      throw FilterErrors.at(
          source,
          start,
          "invalid number '" + FilterErrors.shorten(source.substring(start, end)) + "'");
    }
    return token(Kind.NUMBER, start, source.substring(start, pos));
  }

  private Token operator() {
    int start = pos;
    for (int length = Math.min(2, source.length() - pos); length > 0; length--) {
      String symbol = source.substring(pos, pos + length);
      if (CompareOp.ofSymbol(symbol) != null) {
        pos += length;
        return token(Kind.OPERATOR, start, symbol);
      }
    }
    throw FilterErrors.at(source, start, "unexpected character " + describeChar(start));
  }

  private Token token(Kind kind, int start, String value) {
    return new Token(kind, source.substring(start, pos), value, start);
  }

  private boolean startsNumberAfter(char sign) {
    int at = pos + 1;
    if (sign == '-' && at < source.length() && source.charAt(at) == '.') {
      at++;
    }
    return at < source.length() && isDigit(source.charAt(at));
  }

  private void skipDigits() {
    while (pos < source.length() && isDigit(source.charAt(pos))) {
      pos++;
    }
  }

  private String describeChar(int index) {
    int codePoint = source.codePointAt(index);
    return Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)
        ? String.format("U+%04X", codePoint)
        : "'" + new String(Character.toChars(codePoint)) + "'";
  }

  // ASCII only, so a number reads the same to every user and to every engine they compare with.
  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
