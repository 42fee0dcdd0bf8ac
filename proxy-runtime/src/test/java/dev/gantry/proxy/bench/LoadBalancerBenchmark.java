package dev.gantry.proxy.bench;

import dev.gantry.model.routing.backend.HashOn;
import dev.gantry.model.routing.backend.LoadBalancing;
import dev.gantry.model.routing.backend.LoadBalancing.HashTable;
import dev.gantry.model.routing.backend.LoadBalancing.Type;
import dev.gantry.proxy.balance.EndpointSet;
import dev.gantry.proxy.balance.LoadBalancer;
import dev.gantry.proxy.balance.LoadBalancers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One endpoint pick per operation for each algorithm over 3 and 100 endpoints, one of them
 * unavailable (the usual "one pod is down" state, which exercises the skip paths). Every pick runs
 * on the request path, so it must stay in the tens of nanoseconds and allocate nothing: run with
 * {@code -prof gc} to check the bytes per operation are 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class LoadBalancerBenchmark {
  @Param({"3", "100"})
  int endpoints;

  @Param({"ROUND_ROBIN", "LEAST_REQUEST", "RING", "MAGLEV"})
  String algorithm;

  LoadBalancer balancer;
  EndpointSet set;
  long hash;

  @Setup
  public void setup() {
    List<String> keys = new ArrayList<>();
    int[] active = new int[endpoints];
    for (int i = 0; i < endpoints; i++) {
      keys.add("10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080");
      active[i] = i % 7;
    }
    LoadBalancing config =
        switch (algorithm) {
          case "ROUND_ROBIN" -> new LoadBalancing(Type.ROUND_ROBIN, null, null, 0);
          case "LEAST_REQUEST" -> LoadBalancing.DEFAULT;
          default ->
              new LoadBalancing(
                  Type.CONSISTENT_HASH,
                  new HashOn(HashOn.Source.HEADER, "x-user", 0),
                  HashTable.valueOf(algorithm),
                  0);
        };
    balancer = LoadBalancers.create(config, keys);
    set =
        new EndpointSet() {
          @Override
          public int size() {
            return endpoints;
          }

          @Override
          public boolean available(int i) {
            return i != 1;
          }

          @Override
          public int activeRequests(int i) {
            return active[i];
          }

          @Override
          public long addedAtNanos(int i) {
            return 0;
          }
        };
  }

  @Benchmark
  public int pick() {
    hash += 0x9e3779b97f4a7c15L;
    return balancer.pick(set, hash);
  }
}
