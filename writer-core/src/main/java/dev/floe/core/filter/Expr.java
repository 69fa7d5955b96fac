package dev.floe.core.filter;

import java.math.BigDecimal;
import java.util.List;

/**
 * The parse tree: what the text says, before any column is looked up. Every node that can be wrong
 * against a schema keeps the source index of its token for the error message.
 */
sealed interface Expr {

  record Or(List<Expr> terms) implements Expr {
    public Or {
      terms = List.copyOf(terms);
    }
  }

  record And(List<Expr> terms) implements Expr {
    public And {
      terms = List.copyOf(terms);
    }
  }

  record Not(Expr operand) implements Expr {}

  /** {@code left op right}; {@code start} is the operator's index. */
  record Comparison(Operand left, CompareOp op, Operand right, int start) implements Expr {}

  record In(Column column, List<Literal> values, boolean negated) implements Expr {
    public In {
      values = List.copyOf(values);
    }
  }

  record IsNull(Column column, boolean negated) implements Expr {}

  /** A column on its own, as in {@code WHERE deleted}; only a boolean column may stand alone. */
  record BooleanColumn(Column column) implements Expr {}

  record Constant(boolean value) implements Expr {}

  /** One side of a comparison. */
  sealed interface Operand {
    /** The source text, for messages. */
    String text();

    int start();
  }

  record Column(String name, boolean quoted, String text, int start) implements Operand {}

  sealed interface Literal extends Operand {}

  record StringLiteral(String value, String text, int start) implements Literal {}

  record NumberLiteral(BigDecimal value, String text, int start) implements Literal {}

  record BooleanLiteral(boolean value, String text, int start) implements Literal {}

  record NullLiteral(String text, int start) implements Literal {}
}
