package io.fraudpipeline.control.pipeline;

import java.util.List;

/**
 * Reads a status written by a release that did not record {@link PipelineStatus#jobSubmission()}
 * (it is still in the status topic after an upgrade of the control plane): that release told how
 * the expected job's submission stood from its steps' messages, in the wording below. The wording
 * is that release's and must stay as it was, whatever steps say today.
 */
final class EarlierReleaseSteps {

  private EarlierReleaseSteps() {}

  /**
   * The newest step naming {@code jobId}: its intent to deploy it (pending), its refused
   * submission, or any other (Flink took it, or it was seen there); accepted when none names it.
   */
  static PipelineStatus.Submission submission(String jobId, List<ReconcileStep> recentSteps) {
    for (int i = recentSteps.size() - 1; i >= 0; i--) {
      String message = recentSteps.get(i).message();
      if (message == null) {
        continue;
      }
      if (message.startsWith("Deploying " + jobId + ": ")) {
        return PipelineStatus.Submission.PENDING;
      }
      if (message.startsWith("Submitting " + jobId + " failed: ")) {
        return PipelineStatus.Submission.REFUSED;
      }
      if (message.contains(jobId)) {
        return PipelineStatus.Submission.ACCEPTED;
      }
    }
    return PipelineStatus.Submission.ACCEPTED;
  }
}
