package io.fraudpipeline.control.jobs;

/** A job jar was asked for by checksum, and the jar store does not hold it. */
public class JarNotAvailableException extends RuntimeException {

  private final String sha256;

  public JarNotAvailableException(String sha256, String directory) {
    super(
        "No job jar with sha256 "
            + sha256
            + " is in the jar store "
            + directory
            + " (fraud.job.jar-store): only jars this control plane shipped or ran are kept there");
    this.sha256 = sha256;
  }

  public String sha256() {
    return sha256;
  }
}
