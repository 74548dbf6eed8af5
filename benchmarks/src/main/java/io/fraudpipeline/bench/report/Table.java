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

  /** The table in Markdown, one line a row, each line ending with a newline. */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    row(md, header);
    md.append('|');
    for (int i = 0; i < header.size(); i++) {
      md.append(" --- |");
    }
    md.append('\n');
    for (List<String> row : rows) {
      row(md, row);
    }
    return md.toString();
  }

  private static void row(StringBuilder md, List<String> cells) {
    md.append('|');
    for (String cell : cells) {
      md.append(' ').append(cell.replace("|", "\\|").replace("\n", " ")).append(" |");
    }
    md.append('\n');
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
