package dev.floe.core.decode;

import static dev.floe.core.decode.Events.bytes;
import static dev.floe.core.decode.Events.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RejectTest {
  @Test
  void writesUtf8RawAsEscapedText() {
    byte[] raw = utf8("{\"k\":\"caf\u00e9 \ud83d\ude00\ttab \\ back\"}");
    Reject reject = new Reject("s3://bucket/batch \"1\".ndjson", 42, "field 'k' is bad", raw);

    assertThat(reject.toJson())
        .isEqualTo(
            "{\"source\":\"s3://bucket/batch \\\"1\\\".ndjson\",\"line\":42,"
                + "\"reason\":\"field 'k' is bad\","
                + "\"raw\":\"{\\\"k\\\":\\\"caf\u00e9 \ud83d\ude00\\ttab \\\\ back\\\"}\"}");
  }

  @Test
  void writesInvalidUtf8RawAsBase64() throws Exception {
    byte[] raw = bytes("{\"k\":\"", 0xFF, 0xC0, 0xAF, "\"}");
    Reject reject = new Reject("batch.ndjson", 3, "invalid UTF-8 at byte 6", raw);

    JsonNode json = new ObjectMapper().readTree(reject.toJson());

    assertThat(json.has("raw")).isFalse();
    assertThat(json.get("raw_base64").asText()).isEqualTo(Base64.getEncoder().encodeToString(raw));
    assertThat(Base64.getDecoder().decode(json.get("raw_base64").asText())).isEqualTo(raw);
    assertThat(json.get("line").asLong()).isEqualTo(3);
  }

  @Test
  void isOneLineEvenWhenRawHoldsControlCharacters() {
    Reject reject = new Reject("s", 1, "r", utf8("a\nb\u0000c"));

    assertThat(reject.toJson()).doesNotContain("\n").contains("\"raw\":\"a\\nb\\u0000c\"");
  }

  @Test
  void comparesRawBytesByContent() {
    assertThat(new Reject("s", 1, "r", utf8("x"))).isEqualTo(new Reject("s", 1, "r", utf8("x")));
    assertThat(new Reject("s", 1, "r", utf8("x")))
        .hasSameHashCodeAs(new Reject("s", 1, "r", utf8("x")));
    assertThat(new Reject("s", 1, "r", utf8("x"))).isNotEqualTo(new Reject("s", 1, "r", utf8("y")));
    assertThat(new Reject("s", 1, "r", null).raw()).isEmpty();
  }
}
