package io.fraudpipeline.control.flink;

import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;

/** The JobManager cannot be reached or did not answer in time: a 503, retried by the caller. */
public class FlinkUnavailableException extends ApiException {

  public FlinkUnavailableException(String detail, Throwable cause) {
    super(ProblemType.FLINK_UNAVAILABLE, detail, java.util.Map.of(), cause);
  }
}
