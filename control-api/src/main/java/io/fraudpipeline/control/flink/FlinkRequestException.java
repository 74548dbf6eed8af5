package io.fraudpipeline.control.flink;

import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;
import java.util.Map;

/** Flink answered, but with an error: a 502 quoting Flink's first line of explanation. */
public class FlinkRequestException extends ApiException {

  private final int flinkStatus;

  public FlinkRequestException(int flinkStatus, String detail, Throwable cause) {
    super(ProblemType.FLINK_ERROR, detail, Map.of("flink_status", flinkStatus), cause);
    this.flinkStatus = flinkStatus;
  }

  /** The HTTP status Flink answered with, e.g. 404 for an unknown job or trigger. */
  public int flinkStatus() {
    return flinkStatus;
  }

  public boolean isNotFound() {
    return flinkStatus == 404;
  }
}
