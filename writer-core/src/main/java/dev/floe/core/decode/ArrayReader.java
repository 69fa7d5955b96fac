package dev.floe.core.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Streams the elements of a top-level JSON array through one parser.
 *
 * <p>An element that does not fit the schema is rejected and the parser moves on to the next one. A
 * syntax error, invalid UTF-8 or a read failure ends the source with a single reject: one parser
 * over the whole array cannot find the next element after it has lost its place.
 */
final class ArrayReader {
  /** Array nesting of the parser while it is between elements. */
  private static final int ELEMENT_LEVEL = 1;

  private final JsonFactory factory;
  private final CapturingInputStream input;
  private final DecodeRun run;
  private final int maxElementBytes;
  private long lastLine = 1;
  private long elementStart = -1;

  ArrayReader(JsonFactory factory, CapturingInputStream input, DecodeRun run, int maxElementBytes) {
    this.factory = factory;
    this.input = input;
    this.run = run;
    this.maxElementBytes = maxElementBytes;
  }

  DecodeStats read() {
    JsonParser parser = null;
    try {
      parser = factory.createParser(input);
      parser.nextToken(); // the '[' that made this source an array
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          throw new JsonParseException(parser, "Unexpected end-of-input: expected close marker");
        }
        JsonLocation location = parser.currentTokenLocation();
        lastLine = location.getLineNr();
        elementStart = location.getByteOffset();
        input.retainFrom(elementStart);
        element(parser, token);
        elementStart = -1;
      }
      lastLine = parser.currentTokenLocation().getLineNr();
      JsonToken after = parser.nextToken();
      if (after != null) {
        lastLine = parser.currentTokenLocation().getLineNr();
        endSource(
            lastLine,
            "unexpected " + ValueConverter.jsonType(after) + " after the JSON array",
            new byte[0]);
      }
    } catch (CapturingInputStream.InvalidUtf8Exception e) {
      endSource(lastLine, e.getMessage(), partial());
    } catch (JsonProcessingException e) {
      if (elementStart < 0 && e.getLocation() != null) {
        lastLine = e.getLocation().getLineNr();
      }
      endSource(lastLine, DecodeRun.jsonError(e), partial());
    } catch (IOException e) {
      // Jackson passes read failures of the stream through unchanged.
      String detail = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      run.reject(
          lastLine, "Cannot read source: truncated or corrupt input (" + detail + ")", partial());
    } finally {
      closeQuietly(parser);
    }
    return run.stats(lastLine, input.position());
  }

  private void element(JsonParser parser, JsonToken first) throws IOException {
    String reason;
    try {
      Object[] values = run.objects().decode(parser, first);
      long size = parser.currentLocation().getByteOffset() - elementStart;
      if (size <= maxElementBytes) {
        run.emit(values);
        return;
      }
      reason = "element exceeds " + maxElementBytes + " bytes";
    } catch (InvalidEventException e) {
      reason = e.getMessage();
      // Resynchronise on the next element; skipping tokens needs no memory.
      while (parser.getParsingContext().getNestingDepth() > ELEMENT_LEVEL) {
        if (parser.nextToken() == null) {
          throw new JsonParseException(parser, "Unexpected end-of-input in an array element");
        }
      }
    }
    run.reject(lastLine, reason, captured(parser.currentLocation().getByteOffset()));
  }

  private void endSource(long line, String reason, byte[] raw) {
    run.reject(line, reason + "; the rest of the source was not read", raw);
  }

  /** What was read of the element being parsed when the source ended. */
  private byte[] partial() {
    return elementStart < 0 ? new byte[0] : captured(input.position());
  }

  /** The current element's bytes up to {@code end}, or only its head if it is over-large. */
  private byte[] captured(long end) {
    return end - elementStart > maxElementBytes
        ? input.head(elementStart)
        : input.bytes(elementStart, end);
  }

  private static void closeQuietly(JsonParser parser) {
    if (parser != null) {
      try {
        parser.close();
      } catch (IOException e) {
        // Nothing was written; a failing close cannot lose data.
      }
    }
  }
}
