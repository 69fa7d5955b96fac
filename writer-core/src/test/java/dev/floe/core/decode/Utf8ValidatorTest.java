package dev.floe.core.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8ValidatorTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "41",
        "c2a9",
        "e282ac",
        "e0a080",
        "ed9fbf",
        "ee8080",
        "f0908080",
        "f48fbfbf",
        "efbbbf7b7d"
      })
  void acceptsWellFormedSequences(String hex) {
    assertThat(Utf8Validator.isValid(HexFormat.of().parseHex(hex))).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "80, 0", // continuation byte without a lead
    "c0af, 0", // overlong '/'
    "c1bf, 0", // overlong
    "e08080, 1", // overlong 3-byte
    "eda080, 1", // UTF-16 surrogate
    "f0808080, 1", // overlong 4-byte
    "f4908080, 1", // past U+10FFFF
    "f5808080, 0", // past U+10FFFF
    "ff, 0",
    "41c341, 2", // sequence broken by ASCII
  })
  void findsFirstInvalidByte(String hex, int index) {
    byte[] bytes = HexFormat.of().parseHex(hex);

    assertThat(new Utf8Validator().check(bytes, 0, bytes.length)).isEqualTo(index);
  }

  @Test
  void reportsSequenceLeftOpenAtTheEnd() {
    Utf8Validator validator = new Utf8Validator();

    assertThat(validator.check(HexFormat.of().parseHex("41e282"), 0, 3)).isEqualTo(-1);
    assertThat(validator.inSequence()).isTrue();
    assertThat(Utf8Validator.isValid(HexFormat.of().parseHex("41e282"))).isFalse();
  }

  @Test
  void validatesSequencesSplitAcrossChunks() {
    byte[] euro = HexFormat.of().parseHex("e282ac");
    byte[] surrogate = HexFormat.of().parseHex("eda080");
    Utf8Validator validator = new Utf8Validator();

    assertThat(validator.check(euro, 0, 1)).isEqualTo(-1);
    assertThat(validator.check(euro, 1, 2)).isEqualTo(-1);
    assertThat(validator.inSequence()).isFalse();
    assertThat(validator.check(surrogate, 0, 1)).isEqualTo(-1);
    assertThat(validator.check(surrogate, 1, 2)).isEqualTo(1);
  }

  @Test
  void jacksonAloneAcceptsOverlongEncodingsWhichIsWhyLinesAreValidatedFirst() throws Exception {
    byte[] overlongSlash = {'"', (byte) 0xC0, (byte) 0xAF, '"'};

    try (JsonParser parser = new JsonFactory().createParser(overlongSlash)) {
      assertThat(parser.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
      assertThat(parser.getText()).isEqualTo("/");
    }
  }
}
