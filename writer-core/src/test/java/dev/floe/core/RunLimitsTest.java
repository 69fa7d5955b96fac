package dev.floe.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.config.DataSize;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RunLimitsTest {
  private final RunLimits limits = RunLimits.defaults().withMaxBytes(DataSize.ofBytes(100));

  @Test
  void aBatchThatFitsIsTakenAndOneThatWouldPassTheByteLimitWaits() {
    assertThat(limits.bytesReached(60, OptionalLong.of(40))).isFalse();
    assertThat(limits.bytesReached(60, OptionalLong.of(41))).isTrue();
    assertThat(limits.bytesReached(0, OptionalLong.of(101))).as("the caller takes a first batch anyway").isTrue();
  }

  @Test
  void aBatchOfUnknownSizeWaitsOnceTheByteLimitIsReached() {
    assertThat(limits.bytesReached(99, OptionalLong.empty())).isFalse();
    assertThat(limits.bytesReached(100, OptionalLong.empty())).isTrue();
    assertThat(limits.bytesReached(100, OptionalLong.of(0))).as("at the limit nothing more is taken").isTrue();
  }
}
