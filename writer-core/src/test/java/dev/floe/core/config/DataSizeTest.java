package dev.floe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DataSizeTest {
  @Test
  void parsesBinaryUnits() {
    assertThat(DataSize.parse("1048576")).isEqualTo(DataSize.ofMegabytes(1));
    assertThat(DataSize.parse("512KB")).isEqualTo(DataSize.ofKilobytes(512));
    assertThat(DataSize.parse("128mb").bytes()).isEqualTo(128L * 1024 * 1024);
    assertThat(DataSize.parse(" 2 GiB ").bytes()).isEqualTo(2L * 1024 * 1024 * 1024);
    assertThat(DataSize.parse("1T").bytes()).isEqualTo(1L << 40);
  }

  @Test
  void printsTheLargestExactUnit() {
    assertThat(DataSize.ofMegabytes(128)).hasToString("128MB");
    assertThat(DataSize.ofBytes(1500)).hasToString("1500B");
    assertThat(DataSize.ofBytes(0)).hasToString("0B");
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> DataSize.parse("12 parsecs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid size: '12 parsecs' (expected a number with an optional unit B, KB, MB, GB, TB)");
    assertThatThrownBy(() -> DataSize.parse("99999999999TB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid size: '99999999999TB' is too large");
  }
}
