package io.fraudpipeline.control.jobs;

import io.fraudpipeline.control.errors.NotFoundException;

public class JobNotFoundException extends NotFoundException {

  public JobNotFoundException(String jobId, String jobName) {
    super("Flink knows no '" + jobName + "' job with id " + jobId);
  }
}
