package dev.floe.it.faults;

/** Decides, request by request, what {@link FaultProxy} does. Called from many threads. */
@FunctionalInterface
public interface FaultPolicy {
  FaultPolicy NONE = request -> Fault.PASS;

  Fault decide(ProxiedRequest request);
}
