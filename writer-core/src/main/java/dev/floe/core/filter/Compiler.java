package dev.floe.core.filter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/** Binds a parse tree to a schema: finds columns, type-checks, and builds the {@link Condition}. */
final class Compiler {
  private final String source;
  private final List<Types.NestedField> columns;

  private Compiler(String source, Schema schema) {
    this.source = source;
    this.columns = schema.columns();
  }

  static Condition compile(Expr expr, Schema schema, String source) {
    return new Compiler(source, schema).compile(expr);
  }

  private Condition compile(Expr expr) {
    if (expr instanceof Expr.Or or) {
      return new Condition.Or(compileAll(or.terms()));
    }
    if (expr instanceof Expr.And and) {
      return new Condition.And(compileAll(and.terms()));
    }
    if (expr instanceof Expr.Not not) {
      return new Condition.Not(compile(not.operand()));
    }
    if (expr instanceof Expr.Comparison comparison) {
      return comparison(comparison);
    }
    if (expr instanceof Expr.In in) {
      return in(in);
    }
    if (expr instanceof Expr.IsNull isNull) {
      return new Condition.IsNull(resolve(isNull.column()).index(), isNull.negated());
    }
    if (expr instanceof Expr.BooleanColumn bool) {
      return booleanColumn(bool.column());
    }
    if (expr instanceof Expr.Constant constant) {
      return new Condition.Constant(Truth.of(constant.value()));
    }
    throw new IllegalStateException("Cannot compile filter node " + expr);
  }

  private List<Condition> compileAll(List<Expr> terms) {
    List<Condition> compiled = new ArrayList<>(terms.size());
    for (Expr term : terms) {
      compiled.add(compile(term));
    }
    return compiled;
  }

  private Condition comparison(Expr.Comparison comparison) {
    Expr.Operand left = comparison.left();
    Expr.Operand right = comparison.right();
    // SQL would accept "x = NULL" and silently drop every event; nobody means that.
    for (Expr.Operand operand : List.of(left, right)) {
      if (operand instanceof Expr.NullLiteral) {
        throw FilterErrors.at(
            source,
            operand.start(),
            "comparison with NULL is never true; use IS NULL or IS NOT NULL");
      }
    }
    if (left instanceof Expr.Column leftColumn && right instanceof Expr.Column rightColumn) {
      return columns(leftColumn, comparison, rightColumn);
    }
    if (left instanceof Expr.Column column) {
      return constant(column, comparison.op(), (Expr.Literal) right);
    }
    if (right instanceof Expr.Column column) {
      return constant(column, comparison.op().flip(), (Expr.Literal) left);
    }
    throw FilterErrors.at(
        source, comparison.start(), "cannot compare two literals; one side must be a column");
  }

  private Condition constant(Expr.Column column, CompareOp op, Expr.Literal literal) {
    BoundColumn bound = comparable(column);
    Object constant = Literals.coerce(literal, bound, source);
    return new Condition.CompareToConstant(bound.index(), op, bound.kind().orderAgainst(constant));
  }

  private Condition columns(Expr.Column left, Expr.Comparison comparison, Expr.Column right) {
    BoundColumn leftBound = comparable(left);
    BoundColumn rightBound = comparable(right);
    Optional<Comparator<Object>> order = ValueKind.columnOrder(leftBound.kind(), rightBound.kind());
    if (order.isEmpty()) {
      throw FilterErrors.at(
          source,
          comparison.start(),
          "cannot compare " + leftBound.describe() + " with " + rightBound.describe());
    }
    return new Condition.CompareColumns(
        leftBound.index(), rightBound.index(), comparison.op(), order.get());
  }

  private Condition in(Expr.In in) {
    BoundColumn column = comparable(in.column());
    Set<Object> keys = new HashSet<>();
    for (Expr.Literal literal : in.values()) {
      if (literal instanceof Expr.NullLiteral) {
        throw FilterErrors.at(
            source,
            literal.start(),
            "NULL in an IN list never matches; use IS NULL or IS NOT NULL");
      }
      Object key = column.kind().constantKey(Literals.coerce(literal, column, source));
      if (key != null) {
        keys.add(key);
      }
    }
    return new Condition.In(column.index(), column.kind(), keys, in.negated());
  }

  private Condition booleanColumn(Expr.Column column) {
    BoundColumn bound = resolve(column);
    if (bound.kind() != ValueKind.BOOLEAN) {
      throw FilterErrors.at(
          source,
          column.start(),
          bound.describe() + " is not boolean, so it cannot stand alone as a condition");
    }
    return new Condition.BooleanColumn(bound.index());
  }

  private BoundColumn comparable(Expr.Column column) {
    BoundColumn bound = resolve(column);
    if (bound.kind() == null) {
      throw FilterErrors.at(
          source,
          column.start(),
          "cannot compare " + bound.describe() + "; only IS NULL and IS NOT NULL apply to it");
    }
    return bound;
  }

  /**
   * Quoted names match exactly, as in SQL. Unquoted ones match exactly first and then ignoring
   * case, since Iceberg names are case-sensitive but people type "OP" for "op".
   */
  private BoundColumn resolve(Expr.Column column) {
    List<Integer> matches = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column.name())) {
        return bind(i);
      }
      if (!column.quoted() && columns.get(i).name().equalsIgnoreCase(column.name())) {
        matches.add(i);
      }
    }
    if (matches.size() == 1) {
      return bind(matches.get(0));
    }
    if (matches.size() > 1) {
      throw FilterErrors.at(
          source,
          column.start(),
          "ambiguous column '"
              + column.name()
              + "' matches "
              + matches.stream()
                  .map(i -> "\"" + columns.get(i).name() + "\"")
                  .collect(Collectors.joining(", "))
              + "; quote the one you mean");
    }
    throw FilterErrors.at(source, column.start(), "unknown column '" + column.name() + "'");
  }

  private BoundColumn bind(int index) {
    Types.NestedField field = columns.get(index);
    return new BoundColumn(
        field.name(), index, field.type(), ValueKind.of(field.type()).orElse(null));
  }
}
