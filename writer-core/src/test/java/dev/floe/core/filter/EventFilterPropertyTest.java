package dev.floe.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.filter.ReferenceModel.Col;
import dev.floe.core.filter.ReferenceModel.Domain;
import dev.floe.core.filter.ReferenceModel.Generator;
import dev.floe.core.filter.ReferenceModel.Lit;
import dev.floe.core.filter.ReferenceModel.Node;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * Compares the compiled evaluator with {@link ReferenceModel} on thousands of random expressions
 * and events. The value pools are small so that equal values, nulls and edge cases meet often.
 */
class EventFilterPropertyTest {
  private static final long SEED = 20261101L;
  private static final int EXPRESSIONS = 3000;
  private static final int EVENTS = 200;
  private static final int EVENTS_PER_EXPRESSION = 25;

  private static final String[] STRINGS = {
    "",
    "a",
    "b",
    "ab",
    "B",
    "put",
    "delete",
    "_internal",
    "_tombstone",
    "it's",
    "a b",
    "\u00e9",
    "e\u0301",
    "\uFF21",
    "\uD83D\uDE00",
    "\uD83D\uDE00x"
  };
  private static final long[] LONGS = {
    Long.MIN_VALUE, Long.MIN_VALUE + 1, -5, -1, 0, 1, 2, 5, 42, Long.MAX_VALUE - 1, Long.MAX_VALUE
  };
  private static final Instant NOV_1 = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant[] INSTANTS = {
    NOV_1,
    NOV_1.plusNanos(1),
    NOV_1.minusMillis(1),
    NOV_1.plusMillis(1),
    NOV_1.plusSeconds(3600),
    Instant.EPOCH,
  };
  private static final ZoneOffset[] OFFSETS = {
    ZoneOffset.UTC, ZoneOffset.ofHours(1), ZoneOffset.ofHours(-5), ZoneOffset.ofHoursMinutes(5, 30)
  };

  @Test
  void eventSchemaFiltersAgreeWithReference() {
    Domain strings = new StringDomain();
    List<Col> cols =
        List.of(
            new Col("do_id", "string", false, strings),
            new Col("ns", "string", true, strings),
            new Col("type", "string", true, strings),
            new Col("key", "string", false, strings),
            new Col("value", "string", true, strings),
            new Col("op", "string", false, strings),
            new Col("timestamp", "timestamp", false, new TimestampDomain()),
            new Col("seq", "number", false, new IntegralDomain(LONGS, v -> v)));

    checkAgainstReference(TestEvents.SCHEMA, cols, SEED);
  }

  @Test
  void numericColumnsAgreeWithReference() {
    Schema schema =
        new Schema(
            Types.NestedField.optional(1, "i", Types.IntegerType.get()),
            Types.NestedField.optional(2, "l", Types.LongType.get()),
            Types.NestedField.optional(3, "f", Types.FloatType.get()),
            Types.NestedField.optional(4, "d", Types.DoubleType.get()));
    long[] ints = {Integer.MIN_VALUE, -3, -1, 0, 1, 2, 3, Integer.MAX_VALUE};
    long[] longs = {Long.MIN_VALUE, -3, -1, 0, 1, 3, 1L << 53, (1L << 53) + 1, Long.MAX_VALUE};
    List<Col> cols =
        List.of(
            new Col("i", "number", true, new IntegralDomain(ints, Long::intValue)),
            new Col("l", "number", true, new IntegralDomain(longs, v -> v)),
            new Col("f", "number", true, new FloatingDomain(true)),
            new Col("d", "number", true, new FloatingDomain(false)));

    checkAgainstReference(schema, cols, SEED + 1);
  }

  @Test
  void garbageFailsOnlyAsInvalidFilterWithAPositionInsideTheText() {
    String[] fragments = {
      "op",
      "seq",
      "timestamp",
      "\"ns\"",
      "\"",
      "'a'",
      "'it''s'",
      "'",
      "5",
      "-5",
      "1.5",
      "-",
      ".",
      "1e5",
      "(",
      ")",
      ",",
      "=",
      "!=",
      "<>",
      "<",
      "<=",
      ">=",
      "!",
      "AND",
      "OR",
      "NOT",
      "IN",
      "IS",
      "NULL",
      "TRUE",
      "false",
      " ",
      "\n",
      "\uD83D\uDE00",
      "\u0000",
      "#",
      "'2026-11-01T00:00:00Z'",
      "1793491200000",
      "9223372036854775808",
      "99999999999999999999999.5"
    };
    Pattern position =
        Pattern.compile("^Invalid filter at position (\\d+): .+ in: .*", Pattern.DOTALL);
    Random random = new Random(SEED + 2);
    Record event = TestEvents.event("ns", "a", "type", null);
    int parsed = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      int count = 1 + random.nextInt(12);
      for (int j = 0; j < count; j++) {
        text.append(fragments[random.nextInt(fragments.length)]);
        if (random.nextBoolean()) {
          text.append(' ');
        }
      }
      String expression = text.toString();
      EventFilter filter;
      try {
        filter = EventFilter.parse(expression, TestEvents.SCHEMA);
      } catch (IllegalArgumentException e) {
        if (!e.getMessage().equals("Invalid filter: expression is empty")) {
          Matcher matcher = position.matcher(e.getMessage());
          assertThat(matcher.matches())
              .as("message of %s: %s", expression, e.getMessage())
              .isTrue();
          assertThat(Integer.parseInt(matcher.group(1)))
              .as("position in %s: %s", expression, e.getMessage())
              .isBetween(1, expression.codePointCount(0, expression.length()) + 1);
        }
        continue;
      }
      parsed++;
      filter.test(event);
    }
    assertThat(parsed).as("expressions that happened to be valid").isGreaterThan(100);
  }

  private static void checkAgainstReference(Schema schema, List<Col> cols, long seed) {
    Random random = new Random(seed);
    Generator generator = new Generator(random, cols);
    List<Record> events = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      Record event = GenericRecord.create(schema);
      for (Col col : cols) {
        boolean isNull = col.nullable() && random.nextInt(4) == 0;
        event.setField(col.name(), isNull ? null : col.domain().value(random));
      }
      events.add(event);
    }

    int[] outcomes = new int[3];
    for (int i = 0; i < EXPRESSIONS; i++) {
      Node node = generator.node(0);
      String sql = generator.sql(node);
      EventFilter filter = EventFilter.parse(sql, schema);
      for (int j = 0; j < EVENTS_PER_EXPRESSION; j++) {
        Record event = events.get(random.nextInt(events.size()));
        Boolean expected = node.eval(event);
        outcomes[expected == null ? 2 : (expected ? 0 : 1)]++;
        assertThat(filter.test(event))
            .as("seed %d, expression #%d: %s%non %s", seed, i, sql, event)
            .isEqualTo(Boolean.TRUE.equals(expected));
      }
    }
    // Guard against a generator that makes the comparison trivial: every outcome must be common.
    int total = EXPRESSIONS * EVENTS_PER_EXPRESSION;
    assertThat(Arrays.stream(outcomes).boxed().toList())
        .as("events kept, dropped as false, dropped as unknown")
        .allSatisfy(count -> assertThat(count).isGreaterThan(total / 25));
  }

  /** Reference order: UTF-8 bytes, unsigned, which is code point order by construction. */
  private static final class StringDomain implements Domain {
    @Override
    public Object value(Random random) {
      return STRINGS[random.nextInt(STRINGS.length)];
    }

    @Override
    public Lit literal(Random random) {
      String value = STRINGS[random.nextInt(STRINGS.length)];
      return new Lit("'" + value.replace("'", "''") + "'", value);
    }

    @Override
    public Object ref(Object value) {
      return value;
    }

    @Override
    public int compare(Object left, Object right) {
      return Arrays.compareUnsigned(
          ((String) left).getBytes(StandardCharsets.UTF_8),
          ((String) right).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final class TimestampDomain implements Domain {
    @Override
    public Object value(Random random) {
      return INSTANTS[random.nextInt(INSTANTS.length)].atOffset(
          OFFSETS[random.nextInt(OFFSETS.length)]);
    }

    @Override
    public Lit literal(Random random) {
      Instant instant = INSTANTS[random.nextInt(INSTANTS.length)];
      if (instant.getNano() % 1_000_000 == 0 && random.nextBoolean()) {
        return new Lit(Long.toString(instant.toEpochMilli()), instant);
      }
      OffsetDateTime local = instant.atOffset(OFFSETS[random.nextInt(OFFSETS.length)]);
      return new Lit("'" + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(local) + "'", instant);
    }

    @Override
    public Object ref(Object value) {
      return ((OffsetDateTime) value).toInstant();
    }

    @Override
    public int compare(Object left, Object right) {
      return ((Instant) left).compareTo((Instant) right);
    }
  }

  /**
   * Numbers as exact decimals, with the IEEE specials ranked around them: -Infinity, finite,
   * +Infinity, NaN. -0.0 becomes the decimal 0, so it equals 0.
   */
  record Num(int rank, BigDecimal value) {
    static Num of(double value) {
      if (Double.isNaN(value)) {
        return new Num(3, null);
      }
      if (Double.isInfinite(value)) {
        return new Num(value > 0 ? 2 : 0, null);
      }
      return new Num(1, new BigDecimal(value));
    }

    static Num of(BigDecimal value) {
      return new Num(1, value);
    }

    int compareTo(Num other) {
      if (rank != other.rank) {
        return Integer.compare(rank, other.rank);
      }
      return rank == 1 ? value.compareTo(other.value) : 0;
    }
  }

  private abstract static class NumberDomain implements Domain {
    @Override
    public int compare(Object left, Object right) {
      return ((Num) left).compareTo((Num) right);
    }
  }

  /** int or long columns; literals add fractions, which the filter must compare exactly. */
  private static final class IntegralDomain extends NumberDomain {
    private static final String[] FRACTIONS = {"", "", ".0", ".5", ".25", ".999"};
    private final long[] pool;
    private final Function<Long, Object> box;

    IntegralDomain(long[] pool, Function<Long, Object> box) {
      this.pool = pool;
      this.box = box;
    }

    @Override
    public Object value(Random random) {
      return box.apply(pool[random.nextInt(pool.length)]);
    }

    @Override
    public Lit literal(Random random) {
      long whole = pool[random.nextInt(pool.length)];
      // A fraction on the smallest or largest value would leave the column's range.
      boolean edge = whole == pool[0] || whole == pool[pool.length - 1];
      String text =
          edge ? Long.toString(whole) : whole + FRACTIONS[random.nextInt(FRACTIONS.length)];
      if (whole == 0 && random.nextBoolean()) {
        text = "-" + text;
      }
      return new Lit(text, Num.of(new BigDecimal(text)));
    }

    @Override
    public Object ref(Object value) {
      return Num.of(BigDecimal.valueOf(((Number) value).longValue()));
    }
  }

  /** float or double columns; a literal means the nearest value of the column's type. */
  private static final class FloatingDomain extends NumberDomain {
    private static final double[] VALUES = {
      0.0,
      -0.0,
      0.1,
      1.0,
      1.5,
      -2.5,
      3.0,
      16777217.0,
      0x1p53,
      0x1p53 + 2,
      0x1p63,
      -0x1p63,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY
    };
    private static final String[] LITERALS = {
      "0",
      "-0.0",
      "0.1",
      "1",
      "1.5",
      "-2.5",
      "3",
      "16777217",
      "9007199254740993",
      "9223372036854775807",
      "-9223372036854775808",
      "0.30000001"
    };
    private final boolean isFloat;

    FloatingDomain(boolean isFloat) {
      this.isFloat = isFloat;
    }

    @Override
    public Object value(Random random) {
      double value = VALUES[random.nextInt(VALUES.length)];
      return isFloat ? (Object) (float) value : (Object) value;
    }

    @Override
    public Lit literal(Random random) {
      String text = LITERALS[random.nextInt(LITERALS.length)];
      BigDecimal exact = new BigDecimal(text);
      return new Lit(text, Num.of(isFloat ? exact.floatValue() : exact.doubleValue()));
    }

    @Override
    public Object ref(Object value) {
      return Num.of(((Number) value).doubleValue());
    }
  }
}
