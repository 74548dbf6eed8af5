package io.fraudpipeline.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the report's charts with JFreeChart: grouped bars of medians, each with a whisker from the
 * smallest to the largest repetition.
 */
public final class Charts {

  private static final int WIDTH = 960;
  private static final int HEIGHT = 540;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b)
  };

  private Charts() {}

  /**
   * One bar: the median of {@code value} for a series within a category.
   *
   * @param category the group on the horizontal axis (e.g. "exactly-once, p=1")
   * @param series the bar within the group (e.g. "fraud job", "plain Kafka loop")
   * @param value the repetitions
   */
  public record Bar(String category, String series, Summary value) {}

  /**
   * Draws grouped bars into a PNG file.
   *
   * @param logScale a logarithmic value axis (for latencies spanning orders of magnitude)
   */
  public static void bars(
      Path file,
      String title,
      String subtitle,
      String valueAxisLabel,
      List<Bar> bars,
      boolean logScale)
      throws IOException {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    MedianRangeBarRenderer renderer = new MedianRangeBarRenderer();
    double smallest = Double.MAX_VALUE;
    double largest = 0;
    for (Bar bar : bars) {
      dataset.addValue(bar.value().median(), bar.series(), bar.category());
      renderer.setRange(bar.series(), bar.category(), bar.value().min(), bar.value().max());
      smallest = Math.min(smallest, bar.value().min());
      largest = Math.max(largest, bar.value().max());
    }
    ValueAxis valueAxis;
    if (logScale) {
      LogAxis log = new LogAxis(valueAxisLabel);
      log.setBase(10);
      log.setSmallestValue(Math.max(0.01, smallest / 2));
      log.setNumberFormatOverride(
          new DecimalFormat("#,##0.#", DecimalFormatSymbols.getInstance(Locale.ROOT)));
      valueAxis = log;
      // Bars of a log axis grow from just below the smallest value instead of from zero.
      renderer.setBase(Math.max(0.01, smallest / 2));
    } else {
      NumberAxis linear = new NumberAxis(valueAxisLabel);
      linear.setNumberFormatOverride(
          new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
      linear.setUpperMargin(0.15);
      valueAxis = linear;
    }
    CategoryAxis categoryAxis = new CategoryAxis();
    categoryAxis.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
    categoryAxis.setMaximumCategoryLabelLines(3);
    CategoryPlot plot = new CategoryPlot(dataset, categoryAxis, valueAxis, renderer);
    plot.setOrientation(PlotOrientation.VERTICAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xcccccc));

    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    renderer.setDefaultItemLabelGenerator(
        new StandardCategoryItemLabelGenerator(
            "{2}", new DecimalFormat("#,##0.#", DecimalFormatSymbols.getInstance(Locale.ROOT))));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    for (int i = 0; i < PALETTE.length; i++) {
      renderer.setSeriesPaint(i, PALETTE[i]);
    }

    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    if (subtitle != null && !subtitle.isBlank()) {
      chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /**
   * A vertical line across a time series, e.g. the moment a fault was injected.
   *
   * @param x where, in the unit of the horizontal axis
   * @param label what happened there
   */
  public record Marker(double x, String label) {}

  /**
   * Draws one time series as a line (e.g. alerts per second over a run) with vertical markers into
   * a PNG file.
   *
   * @param xs the horizontal values, ascending
   * @param ys the vertical values, one per entry of {@code xs}
   */
  public static void timeSeries(
      Path file,
      String title,
      String subtitle,
      String xAxisLabel,
      String yAxisLabel,
      double[] xs,
      double[] ys,
      List<Marker> markers)
      throws IOException {
    XYSeries series = new XYSeries(yAxisLabel);
    for (int i = 0; i < xs.length; i++) {
      series.add(xs[i], ys[i]);
    }
    NumberAxis x = new NumberAxis(xAxisLabel);
    x.setAutoRangeIncludesZero(true);
    NumberAxis y = new NumberAxis(yAxisLabel);
    y.setUpperMargin(0.15);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, PALETTE[0]);
    renderer.setSeriesStroke(0, new BasicStroke(1.5f));
    XYPlot plot = new XYPlot(new XYSeriesCollection(series), x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xcccccc));
    plot.setDomainGridlinePaint(new Color(0xcccccc));
    for (Marker marker : markers) {
      ValueMarker line = new ValueMarker(marker.x(), PALETTE[3], new BasicStroke(2f));
      line.setLabel(marker.label());
      line.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      line.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      line.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(line);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    if (subtitle != null && !subtitle.isBlank()) {
      chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** The stroke of the min–max whiskers. */
  static BasicStroke whiskerStroke() {
    return new BasicStroke(1.5f);
  }
}
