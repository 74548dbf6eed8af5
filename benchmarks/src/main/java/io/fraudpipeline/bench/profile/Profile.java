package io.fraudpipeline.bench.profile;

import java.util.List;

/**
 * What a JFR recording says about where the time went.
 *
 * @param executionSamples Java execution samples taken
 * @param machineCpu mean CPU load of the whole machine during the recording, 0 to 1
 * @param jvmCpu mean CPU load of this JVM (user + system), 0 to 1 of the machine
 * @param byKind samples per kind of thread (the job's tasks, the broker, ...), largest first
 * @param byThread samples per thread group (numbers in thread names folded), largest first
 * @param topMethods samples per top-of-stack method, largest first
 * @param byComponent samples per component (the package of the innermost frame outside the JDK),
 *     largest first
 */
public record Profile(
    long executionSamples,
    double machineCpu,
    double jvmCpu,
    List<Share> byKind,
    List<Share> byThread,
    List<Share> topMethods,
    List<Share> byComponent) {

  /**
   * A share of the execution samples.
   *
   * @param name what the samples were in
   * @param samples how many
   * @param percent share of all samples
   */
  public record Share(String name, long samples, double percent) {}
}
