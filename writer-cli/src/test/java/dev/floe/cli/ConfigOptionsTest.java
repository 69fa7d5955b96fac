package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigOptionsTest {
  @Test
  void aCommandsOwnFlagIsNotHiddenByANamedOptionThatWasNotGiven() {
    ConfigOptions options = new ConfigOptions();

    Settings settings = options.settings(Map.of(), Map.of("warehouse", "/tmp/bench-warehouse", "catalog.type", "local"));

    assertThat(settings.string("warehouse")).contains("/tmp/bench-warehouse");
    assertThat(settings.origin("warehouse")).isEqualTo("command line");
    assertThat(settings.string("catalog.type")).contains("local");
  }

  @Test
  void namedOptionsBeatDashDAndTheCommandsFlagsBeatBoth() {
    ConfigOptions options = new ConfigOptions();
    options.extra.put("warehouse", "/from-dash-d");
    options.extra.put("table", "ns.from_dash_d");
    options.table = "ns.named";

    Settings settings = options.settings(Map.of(), Map.of("warehouse", "/from-command"));

    assertThat(settings.string("table")).contains("ns.named");
    assertThat(settings.string("warehouse")).contains("/from-command");
  }
}
