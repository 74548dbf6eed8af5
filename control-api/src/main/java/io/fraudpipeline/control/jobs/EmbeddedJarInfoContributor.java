package io.fraudpipeline.control.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** {@code /actuator/info}: the embedded job jar (checksum, entry class) and the Flink client. */
@Component
class EmbeddedJarInfoContributor implements InfoContributor {

  private final EmbeddedJobJar jar;
  private final JobProperties properties;

  EmbeddedJarInfoContributor(EmbeddedJobJar jar, JobProperties properties) {
    this.jar = jar;
    this.properties = properties;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("name", properties.name());
    job.put("embedded", jar.isPresent());
    if (jar.isPresent()) {
      job.put("jar_sha256", jar.sha256());
      job.put("jar_bytes", jar.sizeBytes());
      job.put("entry_class", jar.entryClass());
      if (jar.version() != null) {
        job.put("version", jar.version());
      }
    }
    builder.withDetail("fraud_job", job);
    builder.withDetail("flink", Map.of("client_version", EnvironmentInformation.getVersion()));
  }
}
