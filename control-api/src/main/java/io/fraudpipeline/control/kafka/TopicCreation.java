package io.fraudpipeline.control.kafka;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the control plane's own topics when they are missing: asked for by name first, so a
 * cluster where they were created beforehand needs no right to create topics, and one created
 * meanwhile (by another replica) counts as there.
 */
public final class TopicCreation {

  private TopicCreation() {}

  /**
   * Makes sure the topic exists.
   *
   * @return whether this call created it
   * @throws KafkaUnavailableException when Kafka refuses, does not answer within the timeout, or
   *     the wait is interrupted (the thread's interrupt flag is kept)
   */
  public static boolean ensure(Admin admin, NewTopic topic, Duration timeout) {
    try {
      if (admin
          .listTopics()
          .names()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .contains(topic.name())) {
        return false;
      }
      admin.createTopics(Set.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      // The cause's class says what happened (a TimeoutException, an authorization failure).
      throw new KafkaUnavailableException(
          "Cannot make sure topic " + topic.name() + " exists: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException(
          "Kafka did not answer within " + timeout + " (creating topic " + topic.name() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("Interrupted creating topic " + topic.name(), e);
    }
  }
}
