package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
  @Test
  void eachElementBecomesOneLineKeptAsSentButForLineBreaksBetweenTokens() {
    String body = "[\n  {\"do_id\": \"a\",\r\n   \"value\": \"line\\nbreak \\u00e9 é\"},\n"
        + "  {\"nested\": {\"list\": [1, {\"x\": []}]}}\r\n]\n";

    assertThat(ndjson(body)).isEqualTo("{\"do_id\": \"a\",     \"value\": \"line\\nbreak \\u00e9 é\"}\n"
        + "{\"nested\": {\"list\": [1, {\"x\": []}]}}\n");
  }

  @Test
  void aCompactBodyComesOutAtItsOwnLengthAndAnEmptyArrayAsNothing() {
    String one = "{\"k\":\"v\"}";
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < 1000; i++) {
      body.append(i == 0 ? "" : ",").append(one);
    }
    body.append(']');

    assertThat(ndjson(body.toString())).isEqualTo((one + "\n").repeat(1000));
    assertThat(ndjson("[]")).isEmpty();
    assertThat(ndjson(" [ ] ")).isEmpty();
  }

  @Test
  void anythingButAnArrayOfObjectsIsRefusedWithWhereItWent() {
    assertThatThrownBy(() -> ndjson("{\"k\":1}")).isInstanceOf(RequestBody.BadRequestException.class)
        .hasMessageContaining("must be a JSON array of event objects, not a JSON object");
    assertThatThrownBy(() -> ndjson("[{\"k\":1}, 2]")).isInstanceOf(RequestBody.BadRequestException.class)
        .hasMessageContaining("element 1 of the array is a number");
    assertThatThrownBy(() -> ndjson("[{\"k\":1}")).isInstanceOf(RequestBody.BadRequestException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> ndjson("[{\"k\":1}] []")).isInstanceOf(RequestBody.BadRequestException.class)
        .hasMessageContaining("an array after the JSON array");
  }

  @Test
  void aBodyInUtf16IsRefusedNotMisread() {
    byte[] utf16 = "[{\"k\":\"v\"}]".getBytes(StandardCharsets.UTF_16LE);
    assertThatThrownBy(() -> RequestBody.toNdjson(utf16)).isInstanceOf(RequestBody.BadRequestException.class)
        .hasMessageContaining("UTF-8");
  }

  private static String ndjson(String body) {
    RequestBody.Lines lines = RequestBody.toNdjson(body.getBytes(StandardCharsets.UTF_8));
    return new String(lines.bytes(), 0, lines.length(), StandardCharsets.UTF_8);
  }
}
