package io.fraudpipeline.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of the report: a header and rows of already formatted cells.
 *
 * @param header column titles
 * @param rows cells, each row as long as the header
 */
public record Table(List<String> header, List<List<String>> rows) {

  public Table {
    header = List.copyOf(header);
    List<List<String>> copied = new ArrayList<>();
    for (List<String> row : rows) {
      if (row.size() != header.size()) {
        throw new IllegalArgumentException(
            "row " + row + " has " + row.size() + " cells, the header " + header.size());
      }
      copied.add(List.copyOf(row));
    }
    rows = List.copyOf(copied);
  }

  /** Starts a table with these column titles. */
  public static Builder withHeader(String... header) {
    return new Builder(List.of(header));
  }

  /** Collects rows. */
  public static final class Builder {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    private Builder(List<String> header) {
      this.header = header;
    }

    public Builder row(String... cells) {
      rows.add(List.of(cells));
      return this;
    }

    public Table build() {
      return new Table(header, rows);
    }
  }
}
