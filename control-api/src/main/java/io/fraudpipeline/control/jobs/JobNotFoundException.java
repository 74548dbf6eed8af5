package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;

public class JobNotFoundException extends ApiException {

  public JobNotFoundException(String jobId, String jobName) {
    super(ProblemType.NOT_FOUND, "Flink knows no '" + jobName + "' job with id " + jobId);
  }
}
