package dev.floe.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import dev.floe.core.decode.TimestampFormat;
import dev.floe.core.decode.TimestampUnit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Every form of stream definition, every type's Iceberg mapping, and errors with their JSON path. */
class StreamDefinitionsTest {
  static String resource(String name) {
    try (InputStream in = StreamDefinitionsTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void readsAPipelinesStreamWithEveryType() {
    StreamDefinition stream = StreamDefinitions.parse(resource("orders-stream.json"), "orders-stream.json");

    assertThat(stream.name()).contains("orders");
    assertThat(stream.timestampFormat()).isEqualTo(TimestampFormat.UNIX_MILLIS);
    assertThat(stream.unstructured()).isFalse();
    assertThat(stream.units())
        .isEqualTo(Map.of("ts", TimestampUnit.MILLISECOND, "order.lines.element.at", TimestampUnit.SECOND));
    assertThat(stream.warnings()).isEmpty();
    Types.StructType line =
        Types.StructType.of(
            required(17, "sku", Types.StringType.get()),
            optional(18, "price", Types.DecimalType.of(10, 2)),
            optional(19, "at", Types.TimestampType.withZone()),
            optional(20, "tags", Types.ListType.ofOptional(21, Types.StringType.get())));
    assertThat(stream.schema().asStruct())
        .isEqualTo(
            Types.StructType.of(
                required(1, "id", Types.StringType.get()),
                required(2, "ts", Types.TimestampType.withZone()),
                optional(3, "qty", Types.IntegerType.get()),
                optional(4, "big", Types.LongType.get()),
                optional(5, "ratio", Types.FloatType.get()),
                optional(6, "score", Types.DoubleType.get()),
                optional(7, "ok", Types.BooleanType.get()),
                optional(8, "blob", Types.BinaryType.get()),
                optional(9, "meta", Types.StringType.get(), "json"),
                optional(10, "order", Types.StructType.of(
                    required(14, "lines", Types.ListType.ofOptional(16, line)),
                    optional(15, "note", Types.StringType.get()))),
                optional(11, "counts", Types.ListType.ofOptional(22, Types.LongType.get())),
                optional(12, "u32", Types.LongType.get(), "uint32"),
                optional(13, "u64", Types.DecimalType.of(20, 0), "uint64")));
  }

  @Test
  void readsWranglersSchemaFileAndTheApiAnswer() {
    String wrangler =
        "{\"fields\": [{\"name\": \"user_id\", \"type\": \"string\", \"required\": true},"
            + " {\"name\": \"tags\", \"type\": \"list\", \"items\": {\"type\": \"string\"}},"
            + " {\"name\": \"raw\", \"type\": \"bytes\"},"
            + " {\"name\": \"amount\", \"type\": \"decimal128\", \"precision\": 38, \"scale\": 9}]}";
    assertThat(StreamDefinitions.parse(wrangler, "w.json").schema().asStruct())
        .isEqualTo(
            Types.StructType.of(
                required(1, "user_id", Types.StringType.get()),
                optional(2, "tags", Types.ListType.ofOptional(5, Types.StringType.get())),
                optional(3, "raw", Types.BinaryType.get()),
                optional(4, "amount", Types.DecimalType.of(38, 9))));

    String answer =
        "{\"result\": {\"id\": \"0123\", \"name\": \"s\", \"version\": 3, \"endpoint\": \"https://x\","
            + " \"format\": {\"type\": \"json\", \"timestamp_format\": \"rfc3339\", \"unstructured\": false},"
            + " \"schema\": {\"fields\": [{\"name\": \"ts\", \"type\": \"timestamp\", \"required\": true}],"
            + " \"inferred\": false}}, \"success\": true, \"errors\": []}";
    StreamDefinition stream = StreamDefinitions.parse(answer, "answer.json");
    assertThat(stream.timestampFormat()).isEqualTo(TimestampFormat.RFC3339);
    assertThat(stream.schema().asStruct()).isEqualTo(Types.StructType.of(required(1, "ts", Types.TimestampType.withZone())));
  }

  @Test
  void anUnstructuredStreamIsOneJsonValueColumn() {
    StreamDefinition stream =
        StreamDefinitions.parse("{\"name\": \"raw\", \"format\": {\"type\": \"json\", \"unstructured\": true}}", "u.json");

    assertThat(stream.unstructured()).isTrue();
    assertThat(stream.schema().asStruct())
        .isEqualTo(Types.StructType.of(optional(1, "value", Types.StringType.get(), "json")));
  }

  @Test
  void aListOfJsonCarriesTheJsonDocOnTheListSinceIcebergHasNoPlaceForAnElementDoc() {
    String lists =
        "{\"fields\": [{\"name\": \"items\", \"type\": \"list\", \"element\": {\"type\": \"json\"}},"
            + " {\"name\": \"grid\", \"type\": \"list\", \"element\": {\"type\": \"list\", \"element\": {\"type\": \"json\"}}},"
            + " {\"name\": \"ids\", \"type\": \"list\", \"element\": {\"type\": \"uint32\"}},"
            + " {\"name\": \"names\", \"type\": \"list\", \"element\": {\"type\": \"string\"}}]}";

    assertThat(StreamDefinitions.parse(lists, "l.json").schema().asStruct())
        .isEqualTo(
            Types.StructType.of(
                optional(1, "items", Types.ListType.ofOptional(5, Types.StringType.get()), "json"),
                optional(2, "grid", Types.ListType.ofOptional(6, Types.ListType.ofOptional(7, Types.StringType.get())), "json"),
                optional(3, "ids", Types.ListType.ofOptional(8, Types.LongType.get()), "uint32"),
                optional(4, "names", Types.ListType.ofOptional(9, Types.StringType.get()))));
  }

  @Test
  void theCompactFormKeepsWorkingAndTheDefaultSchemaLimitsItsOps() {
    assertThat(EventSchemas.defaultDefinition().allowedValues()).isEqualTo(Map.of("op", EventSchemas.DEFAULT_OPS));
    assertThat(StreamDefinitions.parse("{\"a\": {\"type\": \"int32\", \"required\": true}, \"b\": {\"type\": \"json\"}}", "c.json")
            .schema().asStruct())
        .isEqualTo(Types.StructType.of(required(1, "a", Types.IntegerType.get()), optional(2, "b", Types.StringType.get(), "json")));
  }

  @Test
  void unknownKeysAreIgnoredWithAWarningNamingTheirPath() {
    StreamDefinition stream =
        StreamDefinitions.parse(
            "{\"name\": \"s\", \"colour\": 1, \"format\": {\"type\": \"json\", \"speed\": 2},"
                + " \"schema\": {\"fields\": [{\"name\": \"a\", \"type\": \"string\", \"comment\": \"x\"}], \"x\": 0}}",
            "s.json");

    assertThat(stream.warnings())
        .containsExactly(
            "colour: unknown key, ignored",
            "format.speed: unknown key, ignored",
            "schema.x: unknown key, ignored",
            "schema.fields[0].comment: unknown key, ignored");
    assertThat(stream.name()).isEqualTo(Optional.of("s"));
  }

  @Test
  void malformedDefinitionsFailWithThePathOfTheOffendingValue() {
    String fields =
        "{\"name\": \"s\", \"schema\": {\"fields\": [{\"name\": \"a\", \"type\": \"string\"},"
            + " {\"name\": \"b\", \"type\": \"int32\"}, {\"name\": \"c\", \"type\": \"bool\"},"
            + " {\"name\": \"d\", \"type\": \"list\", \"element\": {\"type\": %s}}]}}";
    assertThatThrownBy(() -> StreamDefinitions.parse(String.format(fields, "\"strng\""), "s.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid schema s.json: schema.fields[3].element.type: unknown type 'strng' (expected one of binary,"
                + " bool, bytes, decimal128, float32, float64, int32, int64, json, list, string, struct,"
                + " timestamp, uint32, uint64)");
    assertThatThrownBy(() -> StreamDefinitions.parse(String.format(fields, "7"), "s.json"))
        .hasMessage("Invalid schema s.json: schema.fields[3].element.type: expected a string, got 7");

    Map<String, String> cases =
        Map.of(
            "{\"fields\": [{\"name\": \"p\", \"type\": \"decimal128\", \"precision\": 39}]}",
            "fields[0].precision: expected 1 to 38 (Iceberg's widest decimal), got 39",
            "{\"fields\": [{\"name\": \"p\", \"type\": \"decimal128\", \"precision\": 4, \"scale\": 5}]}",
            "fields[0].scale: expected 0 to the precision 4, got 5",
            "{\"fields\": [{\"name\": \"t\", \"type\": \"timestamp\", \"unit\": \"minute\"}]}",
            "fields[0].unit: expected second, millisecond, microsecond or nanosecond, got 'minute'",
            "{\"fields\": [{\"name\": \"s\", \"type\": \"struct\"}]}",
            "fields[0].fields: missing: a struct needs fields",
            "{\"fields\": [{\"name\": \"l\", \"type\": \"list\"}]}",
            "fields[0].element: missing: a list needs an element (or items)",
            "{\"fields\": [{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"a\", \"type\": \"int32\"}]}",
            "fields[1].name: duplicate field 'a'",
            "{\"fields\": [{\"type\": \"string\"}]}",
            "fields[0].name: missing",
            "{\"name\": \"s\", \"format\": {\"type\": \"parquet\"}, \"schema\": {\"fields\": []}}",
            "format.type: floe reads JSON streams only, got 'parquet'",
            "{\"name\": \"s\", \"format\": {\"timestamp_format\": \"iso\"}}",
            "format.timestamp_format: expected rfc3339 or unix_millis, got 'iso'",
            "{\"fields\": [{\"name\": \"s\", \"type\": \"struct\", \"fields\": [{\"name\": \"x\", \"type\": \"string\", \"required\": \"yes\"}]}]}",
            "fields[0].fields[0].required: expected true or false, got \"yes\"");
    cases.forEach((json, message) ->
        assertThatThrownBy(() -> StreamDefinitions.parse(json, "s.json"))
            .as(json)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("Invalid schema s.json: " + message));
    assertThatThrownBy(() -> StreamDefinitions.parse("{\"name\": \"s\", \"schema\": {\"fields\": []}}", "s.json"))
        .hasMessage("Invalid schema s.json: schema.fields: a structured stream needs fields (or format.unstructured: true)");
    assertThatThrownBy(() -> StreamDefinitions.parse("{\"o\": {\"type\": \"int32\", \"allowed\": [\"x\"]}}", "s.json"))
        .hasMessage("Invalid schema s.json: o.allowed: only a string field takes allowed values, this field is int32");
  }
}
