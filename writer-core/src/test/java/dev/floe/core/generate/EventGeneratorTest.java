package dev.floe.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static String generate(long seed, long count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new EventGenerator(seed).write(count, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theSameSeedGivesTheSameBytes() {
    assertThat(generate(7, 500)).isEqualTo(generate(7, 500));
  }

  @Test
  void seqRisesPerObjectAndValuesAreAboutOneKilobyte() throws IOException {
    Map<String, Long> lastSeq = new HashMap<>();
    long deletes = 0;
    String[] lines = generate(3, 5000).split("\n");
    for (String line : lines) {
      JsonNode event = MAPPER.readTree(line);
      long seq = event.get("seq").asLong();
      Long previous = lastSeq.put(event.get("do_id").asText(), seq);
      assertThat(seq).isEqualTo(previous == null ? 1 : previous + 1);
      if (event.get("value").isNull()) {
        deletes++;
        assertThat(event.get("op").asText()).isEqualTo("DELETE");
      } else {
        assertThat(event.get("value").asText()).hasSize(1000);
        MAPPER.readTree(event.get("value").asText());
      }
    }
    assertThat(lines).hasSize(5000);
    assertThat(deletes).isBetween(50L, 300L);
  }

  @Test
  void differentSeedsGiveDifferentObjects() throws IOException {
    Set<String> first = new HashSet<>();
    for (String line : generate(40, 3000).split("\n")) {
      first.add(MAPPER.readTree(line).get("do_id").asText());
    }
    for (long seed = 41; seed < 48; seed++) {
      for (String line : generate(seed, 3000).split("\n")) {
        assertThat(first).doesNotContain(MAPPER.readTree(line).get("do_id").asText());
      }
    }
  }
}
