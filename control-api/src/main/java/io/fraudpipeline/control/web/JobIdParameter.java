package io.fraudpipeline.control.web;

import java.util.Locale;

/** The {@code job_id} path parameter of the job endpoints: a Flink job id, in either case. */
public final class JobIdParameter {

  public static final String PATTERN = "[0-9a-fA-F]{32}";
  public static final String MESSAGE = "must be a Flink job id (32 hex digits)";

  private JobIdParameter() {}

  /** Flink names jobs in lower case; a client may not. */
  public static String normalize(String jobId) {
    return jobId.toLowerCase(Locale.ROOT);
  }
}
