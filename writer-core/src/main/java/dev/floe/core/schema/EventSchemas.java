package dev.floe.core.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Table schemas as data: the built-in state-change event schema, or one given as JSON in the form
 * of a Cloudflare Pipelines stream schema, either {@code {"field": {"type": "string", "required":
 * true}, ...}} or {@code {"fields": [{"name": "field", "type": "string", "required": true}, ...]}}.
 *
 * <p>Pipelines' {@code json} type is stored as an Iceberg string holding the JSON text; the column
 * doc {@value #JSON_DOC} marks it, so the decoder knows to accept objects for it as well.
 */
public final class EventSchemas {
  /** Column doc that marks a string column holding JSON text. */
  public static final String JSON_DOC = "json";

  /**
   * The ops a Durable Object state-change event has: {@code PUT}, {@code DELETE}, and the {@code
   * _internal} bookkeeping events that filters drop. The built-in schema rejects any other.
   */
  public static final List<String> DEFAULT_OPS = List.of("PUT", "DELETE", "_internal");

  private static final String DEFAULT_SCHEMA_RESOURCE = "default-event-schema.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<String, Type> TYPES =
      Map.of(
          "string", Types.StringType.get(),
          "json", Types.StringType.get(),
          "int32", Types.IntegerType.get(),
          "int64", Types.LongType.get(),
          "float32", Types.FloatType.get(),
          "float64", Types.DoubleType.get(),
          "bool", Types.BooleanType.get(),
          "timestamp", Types.TimestampType.withZone());

  private EventSchemas() {}

  /**
   * The Durable Object state-change event: {@code do_id, ns, type, key, value (JSON text), op,
   * timestamp, seq}.
   */
  public static Schema defaultSchema() {
    try (InputStream in = EventSchemas.class.getResourceAsStream(DEFAULT_SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Cannot find " + DEFAULT_SCHEMA_RESOURCE + " on the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_SCHEMA_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + DEFAULT_SCHEMA_RESOURCE, e);
    }
  }

  public static Schema load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read schema file " + file, e);
    }
  }

  /** Parses a Pipelines stream schema; {@code source} names it in error messages. */
  public static Schema parse(String json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Invalid schema " + source + ": not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isObject() || root.isEmpty()) {
      throw new IllegalArgumentException("Invalid schema " + source + ": expected a non-empty JSON object");
    }
    List<Types.NestedField> columns = new ArrayList<>();
    if (root.size() == 1 && root.has("fields") && root.get("fields").isArray()) {
      for (JsonNode field : root.get("fields")) {
        columns.add(column(source, columns.size() + 1, text(source, field, "name"), field));
      }
    } else {
      Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        columns.add(column(source, columns.size() + 1, field.getKey(), field.getValue()));
      }
    }
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("Invalid schema " + source + ": no fields");
    }
    try {
      return new Schema(columns);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Invalid schema " + source + ": " + e.getMessage(), e);
    }
  }

  /** True when the column holds JSON text (Pipelines' {@code json} type). */
  public static boolean isJson(Types.NestedField column) {
    return JSON_DOC.equals(column.doc()) && column.type().typeId() == Type.TypeID.STRING;
  }

  private static Types.NestedField column(String source, int id, String name, JsonNode spec) {
    if (name.isBlank()) {
      throw new IllegalArgumentException("Invalid schema " + source + ": a field has an empty name");
    }
    if (!spec.isObject()) {
      throw new IllegalArgumentException(
          "Invalid schema " + source + ": field '" + name + "' must be an object with a \"type\"");
    }
    String typeName = text(source, spec, "type");
    Type type = TYPES.get(typeName);
    if (type == null) {
      throw new IllegalArgumentException(
          "Invalid schema "
              + source
              + ": field '"
              + name
              + "' has unknown type '"
              + typeName
              + "' (expected one of "
              + String.join(", ", new java.util.TreeSet<>(TYPES.keySet()))
              + ")");
    }
    JsonNode required = spec.get("required");
    if (required != null && !required.isBoolean()) {
      throw new IllegalArgumentException(
          "Invalid schema " + source + ": field '" + name + "' has a non-boolean \"required\"");
    }
    String doc = "json".equals(typeName) ? JSON_DOC : null;
    return required != null && required.booleanValue()
        ? Types.NestedField.required(id, name, type, doc)
        : Types.NestedField.optional(id, name, type, doc);
  }

  private static String text(String source, JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(
          "Invalid schema " + source + ": expected a string \"" + key + "\" in " + node);
    }
    return value.asText();
  }
}
