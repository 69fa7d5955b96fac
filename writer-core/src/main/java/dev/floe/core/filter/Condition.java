package dev.floe.core.filter;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.data.Record;

/**
 * The compiled filter, evaluated once per event: columns are record positions and literals are
 * constants of the column's representation, so evaluation does no lookups and no parsing.
 */
sealed interface Condition {

  Truth evaluate(Record event);

  record Constant(Truth value) implements Condition {
    @Override
    public Truth evaluate(Record event) {
      return value;
    }
  }

  record Not(Condition operand) implements Condition {
    @Override
    public Truth evaluate(Record event) {
      return operand.evaluate(event).not();
    }
  }

  /** FALSE wins over UNKNOWN, so one false term decides even after an unknown one. */
  record And(List<Condition> terms) implements Condition {
    public And {
      terms = List.copyOf(terms);
    }

    @Override
    public Truth evaluate(Record event) {
      Truth result = Truth.TRUE;
      for (int i = 0; i < terms.size(); i++) {
        Truth term = terms.get(i).evaluate(event);
        if (term == Truth.FALSE) {
          return Truth.FALSE;
        }
        if (term == Truth.UNKNOWN) {
          result = Truth.UNKNOWN;
        }
      }
      return result;
    }
  }

  /** TRUE wins over UNKNOWN, so one true term decides even after an unknown one. */
  record Or(List<Condition> terms) implements Condition {
    public Or {
      terms = List.copyOf(terms);
    }

    @Override
    public Truth evaluate(Record event) {
      Truth result = Truth.FALSE;
      for (int i = 0; i < terms.size(); i++) {
        Truth term = terms.get(i).evaluate(event);
        if (term == Truth.TRUE) {
          return Truth.TRUE;
        }
        if (term == Truth.UNKNOWN) {
          result = Truth.UNKNOWN;
        }
      }
      return result;
    }
  }

  record IsNull(int index, boolean negated) implements Condition {
    @Override
    public Truth evaluate(Record event) {
      return Truth.of((event.get(index) == null) != negated);
    }
  }

  record BooleanColumn(int index) implements Condition {
    @Override
    public Truth evaluate(Record event) {
      Object value = event.get(index);
      return value == null ? Truth.UNKNOWN : Truth.of((Boolean) value);
    }
  }

  record CompareToConstant(int index, CompareOp op, ValueOrder order) implements Condition {
    @Override
    public Truth evaluate(Record event) {
      Object value = event.get(index);
      return value == null ? Truth.UNKNOWN : Truth.of(op.holds(order.compareTo(value)));
    }
  }

  record CompareColumns(int left, int right, CompareOp op, Comparator<Object> order)
      implements Condition {
    @Override
    public Truth evaluate(Record event) {
      Object leftValue = event.get(left);
      Object rightValue = event.get(right);
      if (leftValue == null || rightValue == null) {
        return Truth.UNKNOWN;
      }
      return Truth.of(op.holds(order.compare(leftValue, rightValue)));
    }
  }

  /** {@code keys} are {@link ValueKind#key} forms, so membership is one hash lookup. */
  record In(int index, ValueKind kind, Set<Object> keys, boolean negated) implements Condition {
    public In {
      keys = Set.copyOf(keys);
    }

    @Override
    public Truth evaluate(Record event) {
      Object value = event.get(index);
      return value == null ? Truth.UNKNOWN : Truth.of(keys.contains(kind.key(value)) != negated);
    }
  }
}
