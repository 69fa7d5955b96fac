package dev.floe.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RandomFaultsTest {
  @Test
  void injectsEachFaultAtItsRateOnTheRequestsItAppliesTo() throws IOException {
    RandomFaults faults =
        RandomFaults.seeded(1)
            .rate(Fault.SLOW_DOWN, 0.10)
            .rate(Fault.INTERNAL_ERROR, 0.20, request -> request.method().equals("GET"))
            .build();
    Map<Fault, Integer> onGets = new EnumMap<>(Fault.class);
    Map<Fault, Integer> onPuts = new EnumMap<>(Fault.class);
    for (int i = 0; i < 10_000; i++) {
      onGets.merge(faults.decide(request("GET /bucket/key HTTP/1.1")), 1, Integer::sum);
      onPuts.merge(faults.decide(request("PUT /bucket/key?partNumber=1 HTTP/1.1")), 1, Integer::sum);
    }
    assertThat(onGets.get(Fault.SLOW_DOWN)).isBetween(800, 1200);
    assertThat(onGets.get(Fault.INTERNAL_ERROR)).isBetween(1700, 2300);
    assertThat(onPuts.get(Fault.SLOW_DOWN)).isBetween(800, 1200);
    assertThat(onPuts).doesNotContainKey(Fault.INTERNAL_ERROR);
    assertThatThrownBy(() -> RandomFaults.seeded(1).rate(Fault.DELAY, 0.6).rate(Fault.TIMEOUT, 0.6).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid fault rates: they add up to 1.2");
  }

  @Test
  void aSecondWriteToAKeyWithinASecondGets429AsOnR2() throws IOException {
    AtomicLong now = new AtomicLong();
    RandomFaults faults = RandomFaults.seeded(1).sameKeyWriteLimit().nanoTime(now::get).build();
    ProxiedRequest put = request("PUT /bucket/a HTTP/1.1");
    assertThat(faults.decide(put)).isEqualTo(Fault.PASS);
    now.addAndGet(999_000_000L);
    assertThat(faults.decide(put)).isEqualTo(Fault.TOO_MANY_REQUESTS);
    assertThat(faults.decide(request("PUT /bucket/b HTTP/1.1"))).isEqualTo(Fault.PASS);
    assertThat(faults.decide(request("GET /bucket/a HTTP/1.1"))).isEqualTo(Fault.PASS);
    now.addAndGet(1_000_000L);
    assertThat(faults.decide(put)).isEqualTo(Fault.PASS);
  }

  @Test
  void readsChunkedBodiesAndFindsFloeCommits() throws IOException {
    String chunked =
        "POST /v1/namespaces/ns/tables/events HTTP/1.1\r\nHost: 127.0.0.1:1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "1a\r\n{\"floe.run-id\":\"run-42\"}  \r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    ByteArrayInputStream in = new ByteArrayInputStream(chunked.getBytes(StandardCharsets.ISO_8859_1));
    HttpExchange.Message head = HttpExchange.readHead(in);
    ProxiedRequest commit = ProxiedRequest.of(HttpExchange.withBody(head, in, true));
    assertThat(commit.isTableCommit()).isTrue();
    assertThat(commit.floeRunId()).isEqualTo("run-42");
    assertThat(new String(commit.message().bytes(), StandardCharsets.ISO_8859_1)).isEqualTo(chunked.substring(0, chunked.indexOf("GET")));
    assertThat(HttpExchange.readHead(in).startLine()).isEqualTo("GET / HTTP/1.1");
    assertThat(HttpExchange.readHead(in)).isNull();
    assertThat(request("POST /v1/namespaces/ns/tables HTTP/1.1").isTableCommit()).isFalse();
    assertThat(request("POST /v1/namespaces/ns/tables/events/metrics HTTP/1.1").isTableCommit()).isFalse();
  }

  private static ProxiedRequest request(String startLine) throws IOException {
    byte[] bytes = (startLine + "\r\nHost: 127.0.0.1:1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    return ProxiedRequest.of(HttpExchange.readHead(new ByteArrayInputStream(bytes)));
  }
}
