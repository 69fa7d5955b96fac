package dev.floe.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A request body as Pipelines' HTTP endpoint takes it, a JSON array of event objects, turned into
 * NDJSON (one event per line) for the spool and the decoder. Each element's own bytes are kept as
 * sent; only line breaks between tokens become spaces (JSON strings cannot hold a raw one).
 */
final class RequestBody {
  private static final JsonFactory JSON = new JsonFactory();

  private RequestBody() {}

  /** A body refused as a whole: 400 with this reason. */
  static final class BadRequestException extends RuntimeException {
    BadRequestException(String message) {
      super(message);
    }
  }

  /** A body above a size limit: 413 with this reason. */
  static final class TooLargeException extends RuntimeException {
    TooLargeException(String message) {
      super(message);
    }
  }

  /**
   * NDJSON, one event per line, in the first {@code length} bytes of {@code bytes}.
   */
  record Lines(byte[] bytes, int length) {}

  /**
   * Reads at most {@code limit} bytes of {@code in}; more is a {@link TooLargeException}. A body
   * whose length was declared ({@code Content-Length}, else -1) is read straight into an array of
   * that length.
   */
  static byte[] read(InputStream in, long limit, String what, long declared) throws IOException {
    if (declared >= 0 && declared <= limit && declared <= Integer.MAX_VALUE - 8) {
      byte[] body = new byte[(int) declared];
      int read = in.readNBytes(body, 0, body.length);
      if (read < body.length) {
        throw new IOException("the body ended after " + read + " of the " + declared + " bytes its Content-Length declared");
      }
      if (in.read() >= 0) {
        throw new IOException("the body is longer than the " + declared + " bytes its Content-Length declared");
      }
      return body;
    }
    return read(in, limit, what);
  }

  /** Reads at most {@code limit} bytes of {@code in}; more is a {@link TooLargeException}. */
  static byte[] read(InputStream in, long limit, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit, 64 * 1024));
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int read; (read = in.read(buffer)) >= 0; ) {
      total += read;
      if (total > limit) {
        throw new TooLargeException("Invalid request: " + what + " is over " + limit + " bytes");
      }
      out.write(buffer, 0, read);
    }
    return out.toByteArray();
  }

  /** Undoes {@code Content-Encoding: gzip}, up to {@code limit} inflated bytes. */
  static byte[] gunzip(byte[] body, long limit) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 64 * 1024)) {
      return read(in, limit, "the inflated gzip body");
    } catch (ZipException | java.io.EOFException e) {
      throw new BadRequestException("Invalid request: the body is not valid gzip (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new BadRequestException("Invalid request: cannot inflate the gzip body (" + e.getMessage() + ")");
    }
  }

  /**
   * The events of a JSON array body, one per line, written over the body itself: the body's array
   * is overwritten and must not be used as JSON after. In place, each event moves back by at least
   * the one byte ('[' or ',') before it, and its line break takes the place of the ',' or ']' after
   * it, so nothing is written at or past where the parser reads; no array is allocated per request.
   *
   * @throws BadRequestException when the body is not a JSON array of objects
   */
  static Lines toNdjson(byte[] body) {
    int length = 0;
    try (JsonParser parser = JSON.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_ARRAY) {
        throw new BadRequestException("Invalid request: the body must be a JSON array of event objects, not "
            + (first == null ? "empty" : describe(first)));
      }
      int index = 0;
      for (JsonToken token; (token = parser.nextToken()) != JsonToken.END_ARRAY; index++) {
        if (token == null) {
          throw new BadRequestException("Invalid request: the JSON array is not closed");
        }
        if (token != JsonToken.START_OBJECT) {
          throw new BadRequestException("Invalid request: element " + index + " of the array is " + describe(token)
              + ", not an event object");
        }
        int start = Math.toIntExact(parser.currentTokenLocation().getByteOffset());
        parser.skipChildren();
        int end = Math.toIntExact(parser.currentLocation().getByteOffset());
        if (start < 0 || end < start) {
          // Byte offsets are unknown when Jackson read the body as UTF-16 or UTF-32 text.
          throw new BadRequestException("Invalid request: the body must be JSON in UTF-8");
        }
        System.arraycopy(body, start, body, length, end - start);
        for (int i = length, stop = length + end - start; i < stop; i++) {
          if (body[i] == '\n' || body[i] == '\r') {
            body[i] = ' ';
          }
        }
        length += end - start;
        body[length++] = '\n';
      }
      JsonToken after = parser.nextToken();
      if (after != null) {
        throw new BadRequestException("Invalid request: " + describe(after) + " after the JSON array");
      }
    } catch (JsonProcessingException e) {
      throw new BadRequestException("Invalid request: the body is not valid JSON (" + e.getOriginalMessage()
          + " at byte " + e.getLocation().getByteOffset() + ")");
    } catch (IOException e) {
      throw new BadRequestException("Invalid request: cannot read the body (" + e.getMessage() + ")");
    }
    return new Lines(body, length);
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "a JSON object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.toString();
    };
  }
}
