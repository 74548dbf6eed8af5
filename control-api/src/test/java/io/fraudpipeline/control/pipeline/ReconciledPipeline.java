package io.fraudpipeline.control.pipeline;

import io.fraudpipeline.control.events.RecordedEvents;
import io.fraudpipeline.control.flink.TestingFlinkService;
import io.fraudpipeline.control.flink.TestingFreeSlots;
import io.fraudpipeline.control.jobs.JobJarUploader;
import io.fraudpipeline.control.jobs.JobJars;
import io.fraudpipeline.control.jobs.JobProperties;
import io.fraudpipeline.control.jobs.TestingFraudJobObserver;
import io.fraudpipeline.control.jobs.TestingJobJars;
import io.fraudpipeline.control.jobs.TestingJobProperties;
import io.fraudpipeline.control.operations.InMemoryOperations;
import io.fraudpipeline.control.support.TestLeadership;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The pipeline's commands on in-memory parts, for unit tests of how a command's operation ends: the
 * desired state log and the reconciler's status in memory, Flink the in-memory {@link
 * TestingFlinkService}, and the real reconciler taking one step whenever the test says, as the
 * leader would. A command then waits for what the reconciler decided, not for a status the test
 * made up.
 */
final class ReconciledPipeline implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  final Clock clock = Clock.systemUTC();
  final TestingFlinkService flink = new TestingFlinkService(clock);
  final InMemoryDesiredStateLog desiredLog = new InMemoryDesiredStateLog();
  final InMemoryPipelineStatusStore statusStore = new InMemoryPipelineStatusStore();
  final TestingFraudJobObserver observer = new TestingFraudJobObserver(flink, clock);
  final RecordedEvents events = new RecordedEvents();
  final TestLeadership leadership = new TestLeadership();
  final InMemoryOperations operations = new InMemoryOperations(leadership, clock, TIMEOUT);
  final ReconcilerProperties properties =
      new ReconcilerProperties(
          true,
          Duration.ofSeconds(1),
          TIMEOUT,
          TIMEOUT,
          TIMEOUT,
          new ReconcilerProperties.RestartBudget(
              3, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(10)),
          new ReconcilerProperties.Unhealthy(3, Duration.ofMinutes(5), 5, false),
          new ReconcilerProperties.Upgrade(
              ReconcilerProperties.UpgradeTrigger.MANUAL,
              Duration.ofSeconds(30),
              Duration.ofMinutes(10)),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5));
  final JobProperties jobProperties = TestingJobProperties.of();
  final DesiredStateWriter writer = new DesiredStateWriter(desiredLog, events, jobProperties);
  final StatusAwaiter awaiter = new StatusAwaiter(desiredLog, statusStore, observer, properties);

  private final PipelineReconciler reconciler;
  private PipelineStatus status = PipelineStatus.initial();

  ReconciledPipeline() {
    this(new CheckpointStorage());
  }

  /**
   * @param storage where the reconciler finds checkpoints and stop savepoints nobody recorded
   */
  ReconciledPipeline(CheckpointStorage storage) {
    reconciler =
        new PipelineReconciler(
            flink,
            storage,
            events,
            leadership,
            statusStore::write,
            savepoint -> savepoint,
            TransactionsRetention.UNKNOWN,
            desiredLog::propose,
            jar -> true,
            properties,
            false,
            Duration.ofSeconds(10),
            TestingFlinkService.SHIPPED_JAR,
            clock);
  }

  /**
   * Declares the pipeline running as the first desired version, otherwise as the defaults say
   * (exactly-once), on {@code jar} (null: the shipped one), and has the reconciler deploy its job.
   */
  DesiredState declareRunning(int parallelism, UpgradeMode mode, String jar)
      throws InterruptedException {
    PipelineSpec spec =
        writer
            .defaults()
            .withState(PipelineState.RUNNING, SuspendMode.SAVEPOINT)
            .withParallelism(parallelism)
            .withJar(jar, mode);
    DesiredState first =
        writer.propose(Optional.empty(), spec, true, "ops", "PUT /api/v1/pipeline");
    step();
    return first;
  }

  /** The job the reconciler's status names, as every reader sees it. */
  String jobId() {
    return statusStore.read().orElseThrow().jobId();
  }

  /** The next desired version, {@code edit} of the current spec, as a request of {@code cause}. */
  DesiredState change(String cause, UnaryOperator<PipelineSpec> edit) {
    return writer.changeSpec("ops", cause, edit);
  }

  /** One reconciliation of the newest desired version; its status is written for every reader. */
  PipelineStatus step() throws InterruptedException {
    stepUnseen();
    statusStore.write(status);
    return status;
  }

  /**
   * One reconciliation of {@code read}, as by a leader that read it just before a newer version was
   * written; its status is written for every reader.
   */
  PipelineStatus step(DesiredState read) throws InterruptedException {
    status =
        reconciler.reconcile(
            read, new PipelineObserver(flink, () -> null, clock).observe(), status);
    statusStore.write(status);
    return status;
  }

  /**
   * One reconciliation whose status no reader sees before the next step's: the status topic keeps
   * the newest only, so a reader polling it can miss a step in between.
   */
  PipelineStatus stepUnseen() throws InterruptedException {
    status =
        reconciler.reconcile(
            desiredLog.current().orElse(null),
            new PipelineObserver(flink, () -> null, clock).observe(),
            status);
    return status;
  }

  /** {@code POST /api/v1/pipeline/upgrade} onto the jars of {@code jars}. */
  PipelineUpgrades upgrades(JobJars jars) {
    return new PipelineUpgrades(
        jars,
        statusStore,
        observer,
        desiredLog,
        writer,
        awaiter,
        operations.operations(),
        properties);
  }

  /**
   * The job commands but a deploy: what only a deploy or a restore uses (the jar store and upload,
   * the savepoint catalog, Kafka's retention) is left out.
   */
  PipelineService commands() {
    return commands(null, null);
  }

  /**
   * The job commands, a deploy without a restore too, running the jars of {@code jars} (which Flink
   * holds already): the savepoint catalog and Kafka's retention are left out.
   */
  PipelineService commands(JobJars jars) {
    return commands(jars, TestingJobJars.alreadyUploaded(jars));
  }

  private PipelineService commands(JobJars jars, JobJarUploader uploader) {
    return new PipelineService(
        desiredLog,
        writer,
        awaiter,
        statusStore,
        observer,
        uploader,
        jars,
        null,
        null,
        operations.operations(),
        events,
        jobProperties,
        TestingFreeSlots.onDemand(),
        properties);
  }

  @Override
  public void close() {
    operations.close();
  }
}
