package io.fraudpipeline.control.jobs;

import io.fraudpipeline.flink.FlinkRestClient;
import org.apache.flink.runtime.webmonitor.handlers.JarListInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes sure Flink holds a job jar, uploading it only when no jar with its checksum in the name is
 * there (jars do not survive a JobManager restart, so this is checked on every deploy).
 */
@Component
public class JobJarUploader {

  private static final Logger log = LoggerFactory.getLogger(JobJarUploader.class);

  private final FlinkRestClient flink;
  private final JobJars jars;

  JobJarUploader(FlinkRestClient flink, JobJars jars) {
    this.flink = flink;
    this.jars = jars;
  }

  /** The outcome: Flink's jar id and whether this call uploaded it. */
  public record UploadedJar(String jarId, boolean uploadedNow) {}

  /** The jar this control plane ships, on Flink. */
  public UploadedJar ensureUploaded() {
    return ensureUploaded(jars.require(null));
  }

  public synchronized UploadedJar ensureUploaded(JobJar jar) {
    String name = jar.uploadName();
    JarListInfo listed = flink.listJars();
    for (JarListInfo.JarFileInfo info : listed.jarFileList) {
      if (name.equals(info.name)) {
        return new UploadedJar(info.id, false);
      }
    }
    String jarId = flink.uploadJar(jar.file());
    log.info("Uploaded the fraud job jar to Flink as {} (sha256 {})", jarId, jar.sha256());
    return new UploadedJar(jarId, true);
  }
}
