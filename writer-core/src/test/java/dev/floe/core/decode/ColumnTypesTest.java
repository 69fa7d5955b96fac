package dev.floe.core.decode;

import static dev.floe.core.decode.Events.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.core.decode.Events.Decoded;
import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Column types beyond the default event schema, and the types floe cannot decode. */
class ColumnTypesTest {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "i", Types.IntegerType.get()),
          Types.NestedField.optional(2, "f", Types.FloatType.get()),
          Types.NestedField.optional(3, "d", Types.DoubleType.get()),
          Types.NestedField.optional(4, "b", Types.BooleanType.get()),
          Types.NestedField.optional(5, "day", Types.DateType.get()),
          Types.NestedField.optional(6, "local", Types.TimestampType.withoutZone()));

  @Test
  void decodesEveryPrimitiveType() {
    String line =
        "{\"i\":-7,\"f\":1.5,\"d\":2,\"b\":true,\"day\":\"2026-11-24\","
            + "\"local\":\"2026-11-24T10:00:00+02:00\"}";

    Record record = decodeOne(line);

    assertThat(record.getField("i")).isEqualTo(-7);
    assertThat(record.getField("f")).isEqualTo(1.5f);
    assertThat(record.getField("d")).isEqualTo(2.0d);
    assertThat(record.getField("b")).isEqualTo(true);
    assertThat(record.getField("day")).isEqualTo(LocalDate.of(2026, 11, 24));
    assertThat(record.getField("local")).isEqualTo(LocalDateTime.of(2026, 11, 24, 8, 0));
  }

  @Test
  void decodesTimestampWithoutZoneFromEpochMillisAsUtc() {
    assertThat(decodeOne("{\"local\":-1}").getField("local"))
        .isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"i\":2147483648}      | field 'i' is out of range for int",
        "{\"i\":1.0}             | field 'i' must be an int, got fractional number 1.0",
        "{\"f\":1e39}            | field 'f' is out of range for float",
        "{\"f\":\"1.5\"}         | field 'f' must be a float, got string",
        "{\"d\":1e400}           | field 'd' is out of range for double",
        "{\"b\":1}               | field 'b' must be a boolean, got number",
        "{\"b\":\"true\"}        | field 'b' must be a boolean, got string",
        "{\"day\":\"2026-13-01\"} | field 'day' must be a date (yyyy-mm-dd), got '2026-13-01'",
        "{\"day\":20000}         | field 'day' must be a date (yyyy-mm-dd), got number",
      })
  void rejectsValuesThatDoNotFit(String line, String reason) {
    Decoded decoded = decode(line);

    assertThat(decoded.records()).isEmpty();
    assertThat(decoded.onlyReject().reason()).isEqualTo(reason);
  }

  @Test
  void rejectsSchemaWithTypesThatCannotBeDecodedFromJson() {
    // Decimals, binary, structs and lists are decodable since stream definitions (StreamDefinitionIngestTest).
    assertUnsupported(Types.UUIDType.get(), "uuid");
    assertUnsupported(Types.MapType.ofOptional(3, 4, Types.StringType.get(), Types.IntegerType.get()), "map");
  }

  private static void assertUnsupported(Type type, String shown) {
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "do_id", Types.StringType.get()),
            Types.NestedField.optional(2, "extra", type));

    assertThatThrownBy(() -> new EventDecoder(schema, DecodeLimits.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid schema: column extra has type "
                + shown
                + ", which floe cannot decode from JSON");
  }

  private static Record decodeOne(String line) {
    Decoded decoded = decode(line);
    assertThat(decoded.rejects()).isEmpty();
    return decoded.records().get(0);
  }

  private static Decoded decode(String line) {
    EventDecoder decoder = new EventDecoder(SCHEMA, DecodeLimits.defaults());
    return Events.decode(decoder, new ByteArrayInputStream(utf8(line)));
  }
}
