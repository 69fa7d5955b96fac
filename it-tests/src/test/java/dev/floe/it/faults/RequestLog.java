package dev.floe.it.faults;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link FaultProxy} that injects nothing and writes down every request it relays, with the
 * status the server gave and how long the server took as the relay saw it (from the whole request
 * read to the whole answer received, just before the relay passes it on: so when a client has its
 * answer, the exchange is already recorded). The relay forwards the client's exact bytes, so it can
 * stand in front of S3 as well as the REST catalog. {@link #take()} hands over what was recorded
 * since the last call, so a test can split the traffic by run.
 */
final class RequestLog implements AutoCloseable {
  /** One relayed request: method, target (path and query as sent), status, server time. */
  record Exchange(String method, String target, int status, Duration took) {
    String path() {
      int query = target.indexOf('?');
      return query < 0 ? target : target.substring(0, query);
    }

    String query() {
      int query = target.indexOf('?');
      return query < 0 ? "" : target.substring(query + 1);
    }
  }

  private final FaultProxy proxy;
  private final Map<ProxiedRequest, Long> started = Collections.synchronizedMap(new IdentityHashMap<>());
  private final List<Exchange> exchanges = new ArrayList<>();

  private RequestLog(FaultProxy proxy) {
    this.proxy = proxy;
    // The policy sees each request as soon as it is read, the observer just before its answer goes back.
    proxy.policy(
        request -> {
          started.put(request, System.nanoTime());
          return Fault.PASS;
        });
    proxy.observe(
        (request, fault, status) -> {
          Long start = started.remove(request);
          Duration took = start == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
          synchronized (exchanges) {
            exchanges.add(new Exchange(request.method(), request.target(), status, took));
          }
        });
  }

  static RequestLog start(String name, FaultProxy.Flavor flavor, URI upstream) {
    return new RequestLog(FaultProxy.start(name, flavor, upstream));
  }

  URI uri() {
    return proxy.uri();
  }

  /** The requests answered since the last call, in the order their answers were passed on. */
  List<Exchange> take() {
    synchronized (exchanges) {
      List<Exchange> taken = List.copyOf(exchanges);
      exchanges.clear();
      return taken;
    }
  }

  @Override
  public void close() {
    proxy.close();
  }
}
