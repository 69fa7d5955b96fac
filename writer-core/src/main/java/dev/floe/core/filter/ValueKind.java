package dev.floe.core.filter;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Optional;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A family of Iceberg types the filter can compare, and how it orders and matches their generic
 * values. Constants are what {@link Literals} makes of a literal for a column of the family.
 */
enum ValueKind {
  STRING {
    @Override
    int compare(Object left, Object right) {
      return Orderings.compareCodePoints((CharSequence) left, (CharSequence) right);
    }

    @Override
    ValueOrder orderAgainst(Object constant) {
      String bound = (String) constant;
      return value -> Orderings.compareCodePoints((CharSequence) value, bound);
    }

    @Override
    Object key(Object value) {
      return value.toString();
    }
  },

  /** int and long; constants are a Long, or a BigDecimal with a fraction. */
  INTEGRAL {
    @Override
    int compare(Object left, Object right) {
      return Long.compare(((Number) left).longValue(), ((Number) right).longValue());
    }

    @Override
    ValueOrder orderAgainst(Object constant) {
      if (constant instanceof Long whole) {
        long bound = whole;
        return value -> Long.compare(((Number) value).longValue(), bound);
      }
      // A fraction lies strictly between two integers: no value equals it, so never return 0.
      long floor = ((BigDecimal) constant).setScale(0, RoundingMode.FLOOR).longValueExact();
      return value -> ((Number) value).longValue() <= floor ? -1 : 1;
    }

    @Override
    Object key(Object value) {
      return ((Number) value).longValue();
    }

    @Override
    Object constantKey(Object constant) {
      return constant instanceof Long ? constant : null;
    }
  },

  /** float and double; constants are a Double already rounded to the column's precision. */
  FLOATING {
    @Override
    int compare(Object left, Object right) {
      return Orderings.compareDoubles(
          ((Number) left).doubleValue(), ((Number) right).doubleValue());
    }

    @Override
    ValueOrder orderAgainst(Object constant) {
      double bound = (Double) constant;
      return value -> Orderings.compareDoubles(((Number) value).doubleValue(), bound);
    }

    @Override
    Object key(Object value) {
      double number = ((Number) value).doubleValue();
      // Hash -0.0 with 0.0, since they compare equal.
      return number == 0.0 ? 0.0 : number;
    }
  },

  BOOLEAN {
    @Override
    int compare(Object left, Object right) {
      return Boolean.compare((Boolean) left, (Boolean) right);
    }

    @Override
    ValueOrder orderAgainst(Object constant) {
      boolean bound = (Boolean) constant;
      return value -> Boolean.compare((Boolean) value, bound);
    }

    @Override
    Object key(Object value) {
      return value;
    }
  },

  /** timestamptz and timestamptz_ns, as OffsetDateTime; constants are an Instant. */
  TIMESTAMP_TZ {
    @Override
    int compare(Object left, Object right) {
      OffsetDateTime a = (OffsetDateTime) left;
      OffsetDateTime b = (OffsetDateTime) right;
      return Orderings.compareInstants(
          a.toEpochSecond(), a.getNano(), b.toEpochSecond(), b.getNano());
    }

    @Override
    ValueOrder orderAgainst(Object constant) {
      long seconds = ((Instant) constant).getEpochSecond();
      int nanos = ((Instant) constant).getNano();
      return value -> {
        OffsetDateTime time = (OffsetDateTime) value;
        return Orderings.compareInstants(time.toEpochSecond(), time.getNano(), seconds, nanos);
      };
    }

    @Override
    Object key(Object value) {
      return ((OffsetDateTime) value).toInstant();
    }
  },

  /** timestamp and timestamp_ns, as LocalDateTime read as UTC; constants are an Instant. */
  TIMESTAMP {
    @Override
    int compare(Object left, Object right) {
      return ((LocalDateTime) left).compareTo((LocalDateTime) right);
    }

    @Override
    ValueOrder orderAgainst(Object constant) {
      long seconds = ((Instant) constant).getEpochSecond();
      int nanos = ((Instant) constant).getNano();
      return value -> {
        LocalDateTime time = (LocalDateTime) value;
        return Orderings.compareInstants(
            time.toEpochSecond(ZoneOffset.UTC), time.getNano(), seconds, nanos);
      };
    }

    @Override
    Object key(Object value) {
      return ((LocalDateTime) value).toInstant(ZoneOffset.UTC);
    }
  },

  DATE {
    @Override
    int compare(Object left, Object right) {
      return ((LocalDate) left).compareTo((LocalDate) right);
    }

    @Override
    ValueOrder orderAgainst(Object constant) {
      LocalDate bound = (LocalDate) constant;
      return value -> ((LocalDate) value).compareTo(bound);
    }

    @Override
    Object key(Object value) {
      return value;
    }
  };

  /** Orders two non-null values of this kind. */
  abstract int compare(Object left, Object right);

  abstract ValueOrder orderAgainst(Object constant);

  /** A hash key for a non-null value: equal keys exactly when the values compare equal. */
  abstract Object key(Object value);

  /** The hash key of a constant, or null when no value of this kind can equal it. */
  Object constantKey(Object constant) {
    return constant;
  }

  /** The kind of a column type, or empty for types the filter can only test for NULL. */
  static Optional<ValueKind> of(Type type) {
    switch (type.typeId()) {
      case STRING:
        return Optional.of(STRING);
      case INTEGER:
      case LONG:
        return Optional.of(INTEGRAL);
      case FLOAT:
      case DOUBLE:
        return Optional.of(FLOATING);
      case BOOLEAN:
        return Optional.of(BOOLEAN);
      case DATE:
        return Optional.of(DATE);
      case TIMESTAMP:
        return Optional.of(
            ((Types.TimestampType) type).shouldAdjustToUTC() ? TIMESTAMP_TZ : TIMESTAMP);
      case TIMESTAMP_NANO:
        return Optional.of(
            ((Types.TimestampNanoType) type).shouldAdjustToUTC() ? TIMESTAMP_TZ : TIMESTAMP);
      default:
        return Optional.empty();
    }
  }

  /**
   * How two columns compare, or empty when their kinds differ: ints compare with doubles, but a
   * timestamp with time zone does not compare with one without, as the offset would be a guess.
   */
  static Optional<Comparator<Object>> columnOrder(ValueKind left, ValueKind right) {
    if (left == right) {
      return Optional.of(left::compare);
    }
    if (left == INTEGRAL && right == FLOATING) {
      return Optional.of(
          (a, b) ->
              Orderings.compareLongToDouble(((Number) a).longValue(), ((Number) b).doubleValue()));
    }
    if (left == FLOATING && right == INTEGRAL) {
      return Optional.of(
          (a, b) ->
              -Orderings.compareLongToDouble(((Number) b).longValue(), ((Number) a).doubleValue()));
    }
    return Optional.empty();
  }
}
