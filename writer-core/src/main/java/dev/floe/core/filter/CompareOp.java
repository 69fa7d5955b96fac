package dev.floe.core.filter;

/** A comparison operator, applied to the sign of a three-way comparison. */
enum CompareOp {
  EQ("="),
  NE("!="),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">=");

  private final String symbol;

  CompareOp(String symbol) {
    this.symbol = symbol;
  }

  /** Returns the operator for a lexer symbol, or null when the text is not an operator. */
  static CompareOp ofSymbol(String text) {
    return switch (text) {
      case "=" -> EQ;
      case "!=", "<>" -> NE;
      case "<" -> LT;
      case "<=" -> LE;
      case ">" -> GT;
      case ">=" -> GE;
      default -> null;
    };
  }

  boolean holds(int comparison) {
    return switch (this) {
      case EQ -> comparison == 0;
      case NE -> comparison != 0;
      case LT -> comparison < 0;
      case LE -> comparison <= 0;
      case GT -> comparison > 0;
      case GE -> comparison >= 0;
    };
  }

  /** The operator that holds for {@code b op' a} exactly when this one holds for {@code a op b}. */
  CompareOp flip() {
    return switch (this) {
      case EQ, NE -> this;
      case LT -> GT;
      case LE -> GE;
      case GT -> LT;
      case GE -> LE;
    };
  }

  String symbol() {
    return symbol;
  }
}
