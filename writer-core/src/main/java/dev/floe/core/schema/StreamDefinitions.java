package dev.floe.core.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.core.decode.TimestampFormat;
import dev.floe.core.decode.TimestampUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Reads a stream definition in any of the forms users have at hand:
 *
 * <ul>
 *   <li>the body of Pipelines' stream create call, or its answer ({@code {"result": {...}}}):
 *       {@code {"name", "format": {"type": "json", "timestamp_format", "unstructured"}, "schema":
 *       {"fields": [...]}, "http": {...}}};
 *   <li>wrangler's schema file, or any bare {@code {"fields": [...]}};
 *   <li>floe's compact form {@code {"field": {"type": ..., "required": ...}, ...}}.
 * </ul>
 *
 * <p>A field is {@code {"name", "type", "required"}} plus, by type: {@code unit} (timestamp),
 * {@code fields} (struct), {@code element} or {@code items} (list), {@code precision} and {@code
 * scale} (decimal128), and floe's own {@code allowed} (string: the only values it may hold). Keys
 * floe does not know are ignored with a warning; a malformed definition fails naming the JSON path
 * of the offending value, such as {@code schema.fields[3].element.type}.
 */
public final class StreamDefinitions {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Keys of a stream that Pipelines' API takes or returns and that floe has no use for. */
  private static final Set<String> STREAM_KEYS =
      Set.of("name", "format", "schema", "http", "worker_binding", "id", "created_at", "modified_at", "version", "endpoint");

  private static final Set<String> FORMAT_KEYS = Set.of("type", "timestamp_format", "unstructured", "decimal_encoding");
  private static final Set<String> SCHEMA_KEYS = Set.of("fields", "format", "inferred");
  private static final Set<String> FIELD_KEYS =
      Set.of(
          "name", "type", "required", "unit", "fields", "element", "items", "precision", "scale",
          "allowed", "metadata_key", "sql_name");

  private static final List<String> TYPES =
      List.of(
          "string", "json", "int32", "int64", "uint32", "uint64", "float32", "float64", "bool",
          "binary", "bytes", "timestamp", "decimal128", "struct", "list");

  /** Iceberg's widest decimal. */
  private static final int MAX_PRECISION = 38;

  private final String source;
  private final List<String> warnings = new ArrayList<>();
  private final Map<Integer, List<String>> allowedById = new LinkedHashMap<>();
  private final Map<Integer, TimestampUnit> unitsById = new LinkedHashMap<>();
  private int nextId = 1;

  private StreamDefinitions(String source) {
    this.source = source;
  }

  /** Parses a definition; {@code source} names it in error messages and warnings. */
  public static StreamDefinition parse(String json, String source) {
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
    try {
      return new StreamDefinitions(source).definition(root);
    } catch (DefinitionException e) {
      throw new IllegalArgumentException("Invalid schema " + source + ": " + e.getMessage(), e);
    }
  }

  private StreamDefinition definition(JsonNode root) {
    String prefix = "";
    if (root.path("result").isObject() && root.has("success")) {
      root = root.get("result"); // the API's answer, saved as is
      prefix = "result.";
    }
    if (isStream(root)) {
      return stream(root, prefix);
    }
    if (root.path("fields").isArray()) {
      root.fieldNames().forEachRemaining(key -> {
        if (!key.equals("fields")) {
          warn(key, "unknown key, ignored");
        }
      });
      return build(Optional.empty(), fields(root.get("fields"), "fields"), TimestampFormat.ANY, false);
    }
    // floe's compact form: every key a field.
    List<Types.NestedField> columns = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> entries = root.fields();
    int[] ids = reserve(root.size());
    int index = 0;
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      columns.add(field(entry.getValue(), entry.getKey(), entry.getKey(), ids[index++]));
    }
    return build(Optional.empty(), columns, TimestampFormat.ANY, false);
  }

  /** The stream form: a textual name, a format object, or a schema object holding fields. */
  private static boolean isStream(JsonNode root) {
    return root.path("name").isTextual()
        || (root.path("schema").isObject() && root.path("schema").path("fields").isArray())
        || (root.path("format").isObject()
            && (root.get("format").has("unstructured") || root.get("format").has("timestamp_format")));
  }

  private StreamDefinition stream(JsonNode root, String prefix) {
    root.fieldNames().forEachRemaining(key -> {
      if (!STREAM_KEYS.contains(key)) {
        warn(prefix + key, "unknown key, ignored");
      }
    });
    Optional<String> name = Optional.empty();
    if (root.has("name")) {
      name = Optional.of(text(root.get("name"), prefix + "name"));
    }
    TimestampFormat timestamps = TimestampFormat.ANY;
    boolean unstructured = false;
    JsonNode format = root.get("format");
    if (format != null && !format.isNull()) {
      String at = prefix + "format";
      requireObject(format, at);
      format.fieldNames().forEachRemaining(key -> {
        if (!FORMAT_KEYS.contains(key)) {
          warn(at + "." + key, "unknown key, ignored");
        }
      });
      if (format.has("type") && !"json".equals(text(format.get("type"), at + ".type"))) {
        throw invalid(at + ".type", "floe reads JSON streams only, got '" + format.get("type").asText() + "'");
      }
      if (format.has("timestamp_format")) {
        String value = text(format.get("timestamp_format"), at + ".timestamp_format");
        timestamps =
            switch (value) {
              case "rfc3339" -> TimestampFormat.RFC3339;
              case "unix_millis" -> TimestampFormat.UNIX_MILLIS;
              default -> throw invalid(at + ".timestamp_format", "expected rfc3339 or unix_millis, got '" + value + "'");
            };
      }
      if (format.has("decimal_encoding")) {
        String value = text(format.get("decimal_encoding"), at + ".decimal_encoding");
        if (!value.equals("number") && !value.equals("string")) {
          throw invalid(at + ".decimal_encoding", "floe reads decimals given as number or string, got '" + value + "'");
        }
      }
      if (format.has("unstructured")) {
        unstructured = bool(format.get("unstructured"), at + ".unstructured");
      }
    }
    JsonNode schema = root.get("schema");
    List<Types.NestedField> columns = List.of();
    if (schema != null && !schema.isNull()) {
      String at = prefix + "schema";
      requireObject(schema, at);
      schema.fieldNames().forEachRemaining(key -> {
        if (!SCHEMA_KEYS.contains(key)) {
          warn(at + "." + key, "unknown key, ignored");
        }
      });
      if (schema.has("fields")) {
        if (unstructured) {
          warn(at + ".fields", "ignored: the stream is unstructured");
        } else {
          columns = fields(schema.get("fields"), at + ".fields");
        }
      }
    }
    if (unstructured) {
      columns = List.of(Types.NestedField.optional(nextId++, "value", Types.StringType.get(), EventSchemas.JSON_DOC));
    } else if (columns.isEmpty()) {
      throw invalid(prefix + "schema.fields", "a structured stream needs fields (or format.unstructured: true)");
    }
    return build(name, columns, timestamps, unstructured);
  }

  private StreamDefinition build(
      Optional<String> name, List<Types.NestedField> columns, TimestampFormat timestamps, boolean unstructured) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("Invalid schema " + source + ": no fields");
    }
    Schema schema;
    try {
      schema = new Schema(columns);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Invalid schema " + source + ": " + e.getMessage(), e);
    }
    Map<String, List<String>> allowed = new LinkedHashMap<>();
    allowedById.forEach((id, values) -> allowed.put(schema.findColumnName(id), values));
    Map<String, TimestampUnit> units = new LinkedHashMap<>();
    unitsById.forEach((id, unit) -> units.put(schema.findColumnName(id), unit));
    return new StreamDefinition(name, schema, allowed, timestamps, units, unstructured, warnings);
  }

  private List<Types.NestedField> fields(JsonNode list, String at) {
    if (!list.isArray()) {
      throw invalid(at, "expected an array of fields");
    }
    List<Types.NestedField> fields = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int[] ids = reserve(list.size());
    for (int i = 0; i < list.size(); i++) {
      String path = at + "[" + i + "]";
      JsonNode spec = list.get(i);
      requireObject(spec, path);
      if (!spec.has("name")) {
        throw invalid(path + ".name", "missing");
      }
      String name = text(spec.get("name"), path + ".name");
      if (!names.add(name)) {
        throw invalid(path + ".name", "duplicate field '" + name + "'");
      }
      fields.add(field(spec, name, path, ids[i]));
    }
    return fields;
  }

  /** Ids for one struct's fields, taken before any nested field's, as Iceberg numbers them. */
  private int[] reserve(int count) {
    int[] ids = new int[count];
    for (int i = 0; i < count; i++) {
      ids[i] = nextId++;
    }
    return ids;
  }

  private Types.NestedField field(JsonNode spec, String name, String path, int id) {
    if (name.isBlank()) {
      throw invalid(path + ".name", "empty");
    }
    requireObject(spec, path);
    spec.fieldNames().forEachRemaining(key -> {
      if (!FIELD_KEYS.contains(key)) {
        warn(path + "." + key, "unknown key, ignored");
      }
    });
    boolean required = spec.has("required") && bool(spec.get("required"), path + ".required");
    String typeName = typeName(spec, path);
    String doc;
    Type type;
    if (typeName.equals("list")) {
      // Iceberg keeps no doc on a list's element (its metadata has no place for one), so the
      // element's doc (json, uint32, uint64) goes on the list field; the decoder reads it there.
      Types.NestedField element = element(spec, path);
      type =
          element.isOptional()
              ? Types.ListType.ofOptional(element.fieldId(), element.type())
              : Types.ListType.ofRequired(element.fieldId(), element.type());
      doc = element.doc();
    } else {
      type = type(spec, typeName, path);
      doc =
          switch (typeName) {
            case "json" -> EventSchemas.JSON_DOC;
            case "uint32", "uint64" -> typeName;
            default -> null;
          };
    }
    if (spec.has("unit")) {
      if (!typeName.equals("timestamp")) {
        throw invalid(path + ".unit", "only a timestamp has a unit, this field is " + typeName);
      }
      String unit = text(spec.get("unit"), path + ".unit");
      unitsById.put(
          id,
          TimestampUnit.parse(unit)
              .orElseThrow(() -> invalid(path + ".unit", "expected second, millisecond, microsecond or nanosecond, got '" + unit + "'")));
    }
    if (spec.has("allowed")) {
      if (!typeName.equals("string")) {
        throw invalid(path + ".allowed", "only a string field takes allowed values, this field is " + typeName);
      }
      JsonNode values = spec.get("allowed");
      if (!values.isArray() || values.isEmpty()) {
        throw invalid(path + ".allowed", "expected a non-empty array of strings");
      }
      List<String> allowed = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        allowed.add(text(values.get(i), path + ".allowed[" + i + "]"));
      }
      allowedById.put(id, allowed);
    }
    return Types.NestedField.builder().withId(id).withName(name).isOptional(!required).ofType(type).withDoc(doc).build();
  }

  private static String typeName(JsonNode spec, String path) {
    if (!spec.has("type")) {
      throw invalid(path + ".type", "missing");
    }
    String typeName = text(spec.get("type"), path + ".type");
    if (!TYPES.contains(typeName)) {
      throw invalid(
          path + ".type",
          "unknown type '" + typeName + "' (expected one of " + String.join(", ", new TreeSet<>(TYPES)) + ")");
    }
    return typeName;
  }

  private Type type(JsonNode spec, String typeName, String path) {
    return switch (typeName) {
      case "string", "json" -> Types.StringType.get();
      case "int32" -> Types.IntegerType.get();
      case "int64", "uint32" -> Types.LongType.get();
      // Every uint64 fits 20 digits; a long would lose the upper half.
      case "uint64" -> Types.DecimalType.of(20, 0);
      case "float32" -> Types.FloatType.get();
      case "float64" -> Types.DoubleType.get();
      case "bool" -> Types.BooleanType.get();
      case "binary", "bytes" -> Types.BinaryType.get();
      case "timestamp" -> Types.TimestampType.withZone();
      case "decimal128" -> decimal(spec, path);
      case "struct" -> {
        if (!spec.has("fields")) {
          throw invalid(path + ".fields", "missing: a struct needs fields");
        }
        yield Types.StructType.of(fields(spec.get("fields"), path + ".fields"));
      }
      default -> throw new IllegalStateException("Cannot map type " + typeName);
    };
  }

  /** A list's element, as a field of its own: its id, type, requirement and doc. */
  private Types.NestedField element(JsonNode spec, String path) {
    String key = spec.has("element") ? "element" : "items";
    JsonNode element = spec.get(key);
    if (element == null) {
      throw invalid(path + ".element", "missing: a list needs an element (or items)");
    }
    String at = path + "." + key;
    requireObject(element, at);
    int id = nextId++;
    return field(element, element.path("name").isTextual() ? element.get("name").asText() : "element", at, id);
  }

  private static Type decimal(JsonNode spec, String path) {
    if (!spec.has("precision")) {
      throw invalid(path + ".precision", "missing: a decimal128 needs a precision");
    }
    int precision = integer(spec.get("precision"), path + ".precision");
    if (precision < 1 || precision > MAX_PRECISION) {
      throw invalid(path + ".precision", "expected 1 to " + MAX_PRECISION + " (Iceberg's widest decimal), got " + precision);
    }
    int scale = spec.has("scale") ? integer(spec.get("scale"), path + ".scale") : 0;
    if (scale < 0 || scale > precision) {
      throw invalid(path + ".scale", "expected 0 to the precision " + precision + ", got " + scale);
    }
    return Types.DecimalType.of(precision, scale);
  }

  private void warn(String path, String message) {
    warnings.add(path + ": " + message);
  }

  private static void requireObject(JsonNode node, String path) {
    if (!node.isObject()) {
      throw invalid(path, "expected an object, got " + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static String text(JsonNode node, String path) {
    if (!node.isTextual()) {
      throw invalid(path, "expected a string, got " + node);
    }
    return node.asText();
  }

  private static boolean bool(JsonNode node, String path) {
    if (!node.isBoolean()) {
      throw invalid(path, "expected true or false, got " + node);
    }
    return node.booleanValue();
  }

  private static int integer(JsonNode node, String path) {
    if (!node.isInt()) {
      throw invalid(path, "expected an integer, got " + node);
    }
    return node.intValue();
  }

  /** Thrown without the source; {@link EventSchemas} adds it. */
  private static DefinitionException invalid(String path, String message) {
    return new DefinitionException(path + ": " + message);
  }

  static final class DefinitionException extends IllegalArgumentException {
    DefinitionException(String message) {
      super(message);
    }
  }
}
