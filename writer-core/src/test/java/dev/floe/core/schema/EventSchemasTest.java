package dev.floe.core.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class EventSchemasTest {
  @Test
  void defaultSchemaIsTheStateChangeEvent() {
    Schema schema = EventSchemas.defaultSchema();
    assertThat(schema.columns())
        .extracting(Types.NestedField::name)
        .containsExactly("do_id", "ns", "type", "key", "value", "op", "timestamp", "seq");
    assertThat(schema.findField("do_id").isRequired()).isTrue();
    assertThat(schema.findField("ns").isOptional()).isTrue();
    assertThat(schema.findField("timestamp").type()).isEqualTo(Types.TimestampType.withZone());
    assertThat(schema.findField("seq").type()).isEqualTo(Types.LongType.get());
    assertThat(EventSchemas.isJson(schema.findField("value"))).isTrue();
    assertThat(EventSchemas.isJson(schema.findField("key"))).isFalse();
  }

  @Test
  void parsesTheFieldListForm() {
    Schema schema =
        EventSchemas.parse(
            "{\"fields\": [{\"name\": \"id\", \"type\": \"int32\", \"required\": true},"
                + " {\"name\": \"ok\", \"type\": \"bool\"}, {\"name\": \"x\", \"type\": \"float64\"}]}",
            "s.json");
    assertThat(schema.asStruct())
        .isEqualTo(
            Types.StructType.of(
                Types.NestedField.required(1, "id", Types.IntegerType.get()),
                Types.NestedField.optional(2, "ok", Types.BooleanType.get()),
                Types.NestedField.optional(3, "x", Types.DoubleType.get())));
  }

  @Test
  void errorsNameTheSourceAndTheField() {
    assertThatThrownBy(() -> EventSchemas.parse("{\"a\": {\"type\": \"uuid\"}}", "my.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid schema my.json: a.type: unknown type 'uuid' (expected one of binary, bool, bytes,"
                + " decimal128, float32, float64, int32, int64, json, list, string, struct, timestamp,"
                + " uint32, uint64)");
    assertThatThrownBy(() -> EventSchemas.parse("{\"a\": {\"type\": \"string\", \"required\": \"yes\"}}", "my.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid schema my.json: a.required: expected true or false, got \"yes\"");
    assertThatThrownBy(() -> EventSchemas.parse("[1]", "my.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid schema my.json: expected a non-empty JSON object");
    assertThatThrownBy(() -> EventSchemas.parse("{oops", "my.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid schema my.json: not JSON");
  }
}
