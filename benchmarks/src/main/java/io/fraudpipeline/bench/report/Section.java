package io.fraudpipeline.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One scenario's part of the report, in the order written: paragraphs (Markdown), tables, charts
 * (PNG file names in the charts directory) and the targets it checks.
 */
public record Section(String title, List<Block> blocks, List<TargetCheck> targets) {

  public Section {
    blocks = List.copyOf(blocks);
    targets = List.copyOf(targets);
  }

  /** A piece of a section's body. */
  public sealed interface Block {}

  /** Markdown text, written as is. */
  public record Text(String markdown) implements Block {}

  /** A table. */
  public record TableBlock(Table table) implements Block {}

  /** A chart already drawn into the charts directory. */
  public record Chart(String fileName, String altText) implements Block {}

  public static Builder titled(String title) {
    return new Builder(title);
  }

  /** Builds a section block by block. */
  public static final class Builder {
    private final String title;
    private final List<Block> blocks = new ArrayList<>();
    private final List<TargetCheck> targets = new ArrayList<>();

    private Builder(String title) {
      this.title = title;
    }

    public Builder text(String markdown) {
      blocks.add(new Text(markdown));
      return this;
    }

    public Builder table(Table table) {
      blocks.add(new TableBlock(table));
      return this;
    }

    public Builder chart(String fileName, String altText) {
      blocks.add(new Chart(fileName, altText));
      return this;
    }

    public Builder target(TargetCheck check) {
      targets.add(check);
      return this;
    }

    public Section build() {
      return new Section(title, blocks, targets);
    }
  }
}
