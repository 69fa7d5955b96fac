package dev.floe.core.filter;

import dev.floe.core.filter.Token.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the WHERE-style grammar, precedence NOT > AND > OR:
 *
 * <pre>
 * or      := and (OR and)*
 * and     := not (AND not)*
 * not     := NOT* primary
 * primary := '(' or ')' | operand [cmp operand | [NOT] IN '(' literal (',' literal)* ')'
 *                                  | IS [NOT] NULL]
 * </pre>
 *
 * Only parentheses recurse, and their depth is capped, so hostile input cannot overflow the stack
 * here or in the compiler and evaluator, which walk the same tree. AND and OR chains stay flat.
 */
final class Parser {
  static final int MAX_LENGTH = 64 * 1024;
  static final int MAX_DEPTH = 100;

  private final String source;
  private final List<Token> tokens;
  private int next;
  private int depth;

  private Parser(String source, List<Token> tokens) {
    this.source = source;
    this.tokens = tokens;
  }

  static Expr parse(String source) {
    if (source.length() > MAX_LENGTH) {
      throw FilterErrors.invalid(
          "expression is "
              + source.length()
              + " characters long, more than the limit of "
              + MAX_LENGTH);
    }
    List<Token> tokens = Lexer.tokenize(source);
    if (tokens.get(0).is(Kind.END)) {
      throw FilterErrors.invalid("expression is empty");
    }
    Parser parser = new Parser(source, tokens);
    Expr expr = parser.or();
    parser.expectEnd();
    return expr;
  }

  private Expr or() {
    List<Expr> terms = new ArrayList<>(List.of(and()));
    while (peek().isKeyword("OR")) {
      next++;
      terms.add(and());
    }
    return terms.size() == 1 ? terms.get(0) : new Expr.Or(terms);
  }

  private Expr and() {
    List<Expr> terms = new ArrayList<>(List.of(not()));
    while (peek().isKeyword("AND")) {
      next++;
      terms.add(not());
    }
    return terms.size() == 1 ? terms.get(0) : new Expr.And(terms);
  }

  // A loop, not recursion: NOT NOT x is x in three-valued logic too, so only the parity matters.
  private Expr not() {
    boolean negated = false;
    while (peek().isKeyword("NOT")) {
      next++;
      negated = !negated;
    }
    Expr operand = primary();
    return negated ? new Expr.Not(operand) : operand;
  }

  private Expr primary() {
    if (peek().is(Kind.LEFT_PAREN)) {
      return parenthesized();
    }
    Expr.Operand left = operand("a condition");
    Token after = peek();
    if (after.is(Kind.OPERATOR)) {
      next++;
      Expr.Operand right = operand("a column or literal after " + after.describe());
      return new Expr.Comparison(left, CompareOp.ofSymbol(after.value()), right, after.start());
    }
    if (after.isKeyword("IN") || after.isKeyword("NOT")) {
      return in(column(left, "IN"));
    }
    if (after.isKeyword("IS")) {
      return isNull(column(left, "IS"));
    }
    if (!endsCondition(after)) {
      throw error(
          after,
          "expected a comparison, IN or IS after "
              + describe(left)
              + " but found "
              + after.describe());
    }
    if (left instanceof Expr.Column column) {
      return new Expr.BooleanColumn(column);
    }
    if (left instanceof Expr.BooleanLiteral literal) {
      return new Expr.Constant(literal.value());
    }
    throw FilterErrors.at(source, left.start(), "expected a condition but found " + describe(left));
  }

  private Expr parenthesized() {
    Token open = tokens.get(next++);
    if (++depth > MAX_DEPTH) {
      throw error(open, "parentheses nested deeper than " + MAX_DEPTH + " levels");
    }
    Expr inner = or();
    Token close = peek();
    if (!close.is(Kind.RIGHT_PAREN)) {
      throw error(
          close,
          "expected ')' to close '(' at position "
              + FilterErrors.position(source, open.start())
              + " but found "
              + close.describe());
    }
    next++;
    depth--;
    return inner;
  }

  private Expr in(Expr.Column column) {
    boolean negated = false;
    if (peek().isKeyword("NOT")) {
      next++;
      negated = true;
    }
    Token in = peek();
    if (!in.isKeyword("IN")) {
      throw error(in, "expected IN after NOT but found " + in.describe());
    }
    next++;
    Token open = peek();
    if (!open.is(Kind.LEFT_PAREN)) {
      throw error(open, "expected '(' after IN but found " + open.describe());
    }
    next++;
    if (peek().is(Kind.RIGHT_PAREN)) {
      throw error(open, "empty IN list");
    }
    List<Expr.Literal> values = new ArrayList<>();
    while (true) {
      values.add(literal());
      Token separator = peek();
      next++;
      if (separator.is(Kind.RIGHT_PAREN)) {
        return new Expr.In(column, values, negated);
      }
      if (!separator.is(Kind.COMMA)) {
        throw error(
            separator,
            "expected ',' or ')' in the IN list at position "
                + FilterErrors.position(source, open.start())
                + " but found "
                + separator.describe());
      }
    }
  }

  private Expr isNull(Expr.Column column) {
    next++;
    boolean negated = false;
    if (peek().isKeyword("NOT")) {
      next++;
      negated = true;
    }
    Token token = peek();
    if (!token.isKeyword("NULL")) {
      throw error(token, "expected NULL or NOT NULL after IS but found " + token.describe());
    }
    next++;
    return new Expr.IsNull(column, negated);
  }

  private Expr.Column column(Expr.Operand operand, String keyword) {
    if (operand instanceof Expr.Column column) {
      return column;
    }
    throw FilterErrors.at(
        source,
        operand.start(),
        "expected a column before " + keyword + " but found " + describe(operand));
  }

  private Expr.Literal literal() {
    Token token = peek();
    Expr.Operand operand = operand("a literal");
    if (operand instanceof Expr.Literal literal) {
      return literal;
    }
    throw error(token, "expected a literal in the IN list but found column " + token.describe());
  }

  private Expr.Operand operand(String expected) {
    Token token = peek();
    switch (token.kind()) {
      case IDENTIFIER:
        if (token.isKeyword("TRUE") || token.isKeyword("FALSE")) {
          next++;
          return new Expr.BooleanLiteral(token.isKeyword("TRUE"), token.text(), token.start());
        }
        if (token.isKeyword("NULL")) {
          next++;
          return new Expr.NullLiteral(token.text(), token.start());
        }
        if (isReserved(token)) {
          break;
        }
        next++;
        return new Expr.Column(token.value(), false, token.text(), token.start());
      case QUOTED_IDENTIFIER:
        next++;
        return new Expr.Column(token.value(), true, token.text(), token.start());
      case STRING:
        next++;
        return new Expr.StringLiteral(token.value(), token.text(), token.start());
      case NUMBER:
        next++;
        return new Expr.NumberLiteral(new BigDecimal(token.value()), token.text(), token.start());
      default:
        break;
    }
    throw error(token, "expected " + expected + " but found " + token.describe());
  }

  private void expectEnd() {
    Token token = peek();
    if (token.is(Kind.RIGHT_PAREN)) {
      throw error(token, "unbalanced ')'");
    }
    if (!token.is(Kind.END)) {
      throw error(token, "expected AND, OR or end of input but found " + token.describe());
    }
  }

  private static boolean endsCondition(Token token) {
    return token.is(Kind.END)
        || token.is(Kind.RIGHT_PAREN)
        || token.isKeyword("AND")
        || token.isKeyword("OR");
  }

  private static boolean isReserved(Token token) {
    return token.isKeyword("AND")
        || token.isKeyword("OR")
        || token.isKeyword("NOT")
        || token.isKeyword("IN")
        || token.isKeyword("IS");
  }

  private static String describe(Expr.Operand operand) {
    return operand instanceof Expr.StringLiteral || operand.text().startsWith("\"")
        ? FilterErrors.shorten(operand.text())
        : "'" + FilterErrors.shorten(operand.text()) + "'";
  }

  private Token peek() {
    return tokens.get(next);
  }

  private IllegalArgumentException error(Token token, String detail) {
    return FilterErrors.at(source, token.start(), detail);
  }
}
