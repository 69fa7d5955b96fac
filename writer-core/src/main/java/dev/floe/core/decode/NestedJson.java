package dev.floe.core.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;

/**
 * Walks one JSON value below the event object, either skipping it (unknown fields) or copying it as
 * compact JSON text (json columns), and enforces the field, depth and size limits on the way.
 *
 * <p>The walk is iterative and reads the parser token by token, so a hostile value costs no stack
 * and no tree. One generator and buffer are reused for every copy.
 */
final class NestedJson {
  private final JsonFactory factory;
  private final int maxDepth;
  private final int maxFields;
  private final int maxChars;
  private final int[] fieldCounts;
  private final StringWriter text = new StringWriter(256);
  private JsonGenerator generator;

  NestedJson(JsonFactory factory, DecodeLimits limits) {
    this.factory = factory;
    this.maxDepth = limits.maxNestingDepth();
    this.maxFields = limits.maxFields();
    this.maxChars = limits.maxLineBytes();
    this.fieldCounts = new int[limits.maxNestingDepth() + 1];
  }

  /**
   * Skips the value whose first token is current.
   *
   * @param depth nesting depth of the object holding the value; the event object is depth 1
   * @param field the key of the value, for reasons
   */
  void skip(JsonParser parser, JsonToken first, int depth, String field) throws IOException {
    walk(parser, first, depth, field, null);
  }

  /** Returns the value whose first token is current as compact JSON text. */
  String copy(JsonParser parser, JsonToken first, int depth, String field) throws IOException {
    if (generator == null) {
      generator = factory.createGenerator(text);
    }
    boolean done = false;
    try {
      walk(parser, first, depth, field, generator);
      generator.flush();
      done = true;
      return text.toString();
    } finally {
      text.getBuffer().setLength(0);
      if (!done) {
        generator = null; // left inside an unfinished value; start afresh next time
      }
    }
  }

  private void walk(JsonParser parser, JsonToken first, int depth, String field, JsonGenerator out)
      throws IOException {
    int level = 0;
    JsonToken token = first;
    while (true) {
      switch (token) {
        case START_OBJECT, START_ARRAY -> {
          if (depth + level + 1 > maxDepth) {
            throw new InvalidEventException(
                label(field) + " nests deeper than " + maxDepth + " levels");
          }
          fieldCounts[++level] = 0;
          if (out != null) {
            if (token == JsonToken.START_OBJECT) {
              out.writeStartObject();
            } else {
              out.writeStartArray();
            }
          }
        }
        case END_OBJECT, END_ARRAY -> {
          level--;
          if (out != null) {
            if (token == JsonToken.END_OBJECT) {
              out.writeEndObject();
            } else {
              out.writeEndArray();
            }
          }
        }
        case FIELD_NAME -> {
          if (++fieldCounts[level] > maxFields) {
            throw new InvalidEventException(
                label(field) + " holds an object with more than " + maxFields + " fields");
          }
          if (out != null) {
            out.writeFieldName(parser.currentName());
          }
        }
        default -> {
          if (out != null) {
            writeScalar(parser, token, out);
          }
        }
      }
      if (out != null && text.getBuffer().length() + out.getOutputBuffered() > maxChars) {
        throw new InvalidEventException(label(field) + " exceeds " + maxChars + " characters");
      }
      if (level == 0) {
        return;
      }
      token = parser.nextToken();
      if (token == null) {
        throw new InvalidEventException("invalid JSON: unexpected end of input in " + label(field));
      }
    }
  }

  private static String label(String field) {
    return "field " + InvalidEventException.quote(field);
  }

  private static void writeScalar(JsonParser parser, JsonToken token, JsonGenerator out)
      throws IOException {
    switch (token) {
      case VALUE_STRING ->
          out.writeString(
              parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
      // The number's own text, so the stored JSON keeps every digit the source had.
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.writeNumber(parser.getText());
      case VALUE_TRUE -> out.writeBoolean(true);
      case VALUE_FALSE -> out.writeBoolean(false);
      case VALUE_NULL -> out.writeNull();
      default -> throw new IllegalStateException("Cannot copy JSON token " + token);
    }
  }
}
