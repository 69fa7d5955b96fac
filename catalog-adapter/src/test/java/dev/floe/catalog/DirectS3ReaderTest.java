package dev.floe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectS3ReaderTest {
  @ParameterizedTest
  @ValueSource(strings = {"a.ndjson", "in/a/folder.ndjson", "with space+plus.ndjson", "..dots..ndjson", ".hidden", "ü/ß"})
  void keysWhosePathNoClientRewritesGoDirect(String key) {
    assertThat(DirectS3Reader.plainKey(key)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a//b", "/leading", "trailing/", "./a", "a/./b", "a/../b", "..", "a/.."})
  void keysWithEmptyDotOrDotDotSegmentsGoThroughTheClient(String key) {
    // An HTTP client or server may normalise such a path, and the signature would no longer match.
    assertThat(DirectS3Reader.plainKey(key)).isFalse();
  }
}
