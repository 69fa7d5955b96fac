package dev.floe.core.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.iceberg.data.Record;

/**
 * Random filter expressions kept as trees that render themselves to SQL text and evaluate
 * themselves the obvious way: values read by column name, compared through per-type reference keys,
 * combined with SQL's three-valued logic (null is unknown). Nothing here shares code with the
 * parser or the evaluator under test.
 */
final class ReferenceModel {
  private ReferenceModel() {}

  /** A literal: its SQL text, and its reference key for {@link Domain#compare}. */
  record Lit(String sql, Object ref) {}

  /** The values of one column type: random event values, random literals, and their order. */
  interface Domain {
    Object value(Random random);

    Lit literal(Random random);

    /** The reference key of a non-null event value. */
    Object ref(Object value);

    int compare(Object leftRef, Object rightRef);
  }

  /** Columns of one family may be compared with each other. */
  record Col(String name, String family, boolean nullable, Domain domain) {}

  enum Op {
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE;

    boolean holds(int comparison) {
      switch (this) {
        case EQ:
          return comparison == 0;
        case NE:
          return comparison != 0;
        case LT:
          return comparison < 0;
        case LE:
          return comparison <= 0;
        case GT:
          return comparison > 0;
        default:
          return comparison >= 0;
      }
    }

    /** The operator to write when the literal goes on the left. */
    Op mirrored() {
      switch (this) {
        case LT:
          return GT;
        case LE:
          return GE;
        case GT:
          return LT;
        case GE:
          return LE;
        default:
          return this;
      }
    }

    String sql(Random random) {
      switch (this) {
        case EQ:
          return "=";
        case NE:
          return random.nextBoolean() ? "!=" : "<>";
        case LT:
          return "<";
        case LE:
          return "<=";
        case GT:
          return ">";
        default:
          return ">=";
      }
    }
  }

  sealed interface Node {
    /** TRUE, FALSE, or null for unknown. */
    Boolean eval(Record event);
  }

  record Const(boolean value) implements Node {
    @Override
    public Boolean eval(Record event) {
      return value;
    }
  }

  record Not(Node operand) implements Node {
    @Override
    public Boolean eval(Record event) {
      Boolean value = operand.eval(event);
      return value == null ? null : !value;
    }
  }

  record And(List<Node> terms) implements Node {
    @Override
    public Boolean eval(Record event) {
      List<Boolean> values = new ArrayList<>();
      for (Node term : terms) {
        values.add(term.eval(event));
      }
      if (values.contains(Boolean.FALSE)) {
        return false;
      }
      return values.contains(null) ? null : true;
    }
  }

  record Or(List<Node> terms) implements Node {
    @Override
    public Boolean eval(Record event) {
      List<Boolean> values = new ArrayList<>();
      for (Node term : terms) {
        values.add(term.eval(event));
      }
      if (values.contains(Boolean.TRUE)) {
        return true;
      }
      return values.contains(null) ? null : false;
    }
  }

  record CompareLit(Col col, Op op, Lit lit, boolean literalFirst) implements Node {
    @Override
    public Boolean eval(Record event) {
      Object value = event.getField(col.name());
      if (value == null) {
        return null;
      }
      return op.holds(col.domain().compare(col.domain().ref(value), lit.ref()));
    }
  }

  record CompareCols(Col left, Op op, Col right) implements Node {
    @Override
    public Boolean eval(Record event) {
      Object leftValue = event.getField(left.name());
      Object rightValue = event.getField(right.name());
      if (leftValue == null || rightValue == null) {
        return null;
      }
      return op.holds(
          left.domain().compare(left.domain().ref(leftValue), right.domain().ref(rightValue)));
    }
  }

  record In(Col col, List<Lit> lits, boolean negated) implements Node {
    @Override
    public Boolean eval(Record event) {
      Object value = event.getField(col.name());
      if (value == null) {
        return null;
      }
      boolean found = false;
      for (Lit lit : lits) {
        found |= col.domain().compare(col.domain().ref(value), lit.ref()) == 0;
      }
      return found != negated;
    }
  }

  record IsNull(Col col, boolean negated) implements Node {
    @Override
    public Boolean eval(Record event) {
      return (event.getField(col.name()) == null) != negated;
    }
  }

  /** Builds random trees over some columns, and writes them as SQL in random but valid styles. */
  static final class Generator {
    private static final int OR_CONTEXT = 0;
    private static final int AND_CONTEXT = 1;
    private static final int NOT_CONTEXT = 2;

    private final Random random;
    private final List<Col> cols;

    Generator(Random random, List<Col> cols) {
      this.random = random;
      this.cols = cols;
    }

    Node node(int depth) {
      int choice = depth >= 4 ? 9 : random.nextInt(10);
      if (choice < 2) {
        return new Not(node(depth + 1));
      }
      if (choice < 6) {
        List<Node> terms = new ArrayList<>();
        int count = 2 + random.nextInt(2);
        for (int i = 0; i < count; i++) {
          terms.add(node(depth + 1));
        }
        return choice < 4 ? new And(terms) : new Or(terms);
      }
      return leaf();
    }

    private Node leaf() {
      Col col = cols.get(random.nextInt(cols.size()));
      int choice = random.nextInt(20);
      if (choice < 9) {
        return new CompareLit(col, op(), col.domain().literal(random), random.nextInt(4) == 0);
      }
      if (choice < 12) {
        List<Col> family = cols.stream().filter(c -> c.family().equals(col.family())).toList();
        return new CompareCols(col, op(), family.get(random.nextInt(family.size())));
      }
      if (choice < 17) {
        List<Lit> lits = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
          lits.add(col.domain().literal(random));
        }
        return new In(col, lits, random.nextBoolean());
      }
      if (choice < 19) {
        return new IsNull(col, random.nextBoolean());
      }
      return new Const(random.nextBoolean());
    }

    private Op op() {
      return Op.values()[random.nextInt(Op.values().length)];
    }

    String sql(Node node) {
      return render(node, OR_CONTEXT);
    }

    private String render(Node node, int context) {
      if (node instanceof Or or) {
        return parens(join(or.terms(), "OR", OR_CONTEXT), context >= AND_CONTEXT);
      }
      if (node instanceof And and) {
        return parens(join(and.terms(), "AND", AND_CONTEXT), context >= NOT_CONTEXT);
      }
      if (node instanceof Not not) {
        return parens(keyword("NOT") + " " + render(not.operand(), NOT_CONTEXT), false);
      }
      return parens(leafSql(node), false);
    }

    private String join(List<Node> terms, String keyword, int context) {
      StringBuilder sql = new StringBuilder();
      for (Node term : terms) {
        if (sql.length() > 0) {
          sql.append(space()).append(keyword(keyword)).append(space());
        }
        sql.append(render(term, context));
      }
      return sql.toString();
    }

    private String leafSql(Node node) {
      if (node instanceof CompareLit compare) {
        String op = gap();
        return compare.literalFirst()
            ? compare.lit().sql()
                + op
                + compare.op().mirrored().sql(random)
                + op
                + column(compare.col())
            : column(compare.col()) + op + compare.op().sql(random) + op + compare.lit().sql();
      }
      if (node instanceof CompareCols compare) {
        String op = gap();
        return column(compare.left())
            + op
            + compare.op().sql(random)
            + op
            + column(compare.right());
      }
      if (node instanceof In in) {
        List<String> items = in.lits().stream().map(Lit::sql).toList();
        return column(in.col())
            + (in.negated() ? " " + keyword("NOT") : "")
            + " "
            + keyword("IN")
            + gap()
            + "("
            + String.join("," + gap(), items)
            + ")";
      }
      if (node instanceof IsNull isNull) {
        return column(isNull.col())
            + " "
            + keyword("IS")
            + (isNull.negated() ? " " + keyword("NOT") : "")
            + " "
            + keyword("NULL");
      }
      return keyword(((Const) node).value() ? "TRUE" : "FALSE");
    }

    private String parens(String sql, boolean needed) {
      return needed || random.nextInt(10) == 0 ? "(" + gap() + sql + gap() + ")" : sql;
    }

    private String column(Col col) {
      switch (random.nextInt(4)) {
        case 0:
          return "\"" + col.name() + "\"";
        case 1:
          return col.name().toUpperCase(Locale.ROOT);
        default:
          return col.name();
      }
    }

    private String keyword(String keyword) {
      switch (random.nextInt(3)) {
        case 0:
          return keyword.toLowerCase(Locale.ROOT);
        case 1:
          return keyword.charAt(0) + keyword.substring(1).toLowerCase(Locale.ROOT);
        default:
          return keyword;
      }
    }

    private String space() {
      return random.nextInt(8) == 0 ? "\n  " : " ";
    }

    private String gap() {
      return random.nextBoolean() ? "" : " ";
    }
  }
}
