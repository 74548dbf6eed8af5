package io.fraudpipeline.bench.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.HashMap;
import java.util.Map;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.data.category.CategoryDataset;

/**
 * A bar renderer that also draws, over each bar (the median), a whisker from the smallest to the
 * largest repetition. JFreeChart's own statistical renderers only draw symmetric error bars, which
 * would misstate a median with an uneven spread.
 */
final class MedianRangeBarRenderer extends BarRenderer {

  private static final long serialVersionUID = 1L;

  private final Map<String, double[]> ranges = new HashMap<>();

  void setRange(String series, String category, double min, double max) {
    ranges.put(series + '\u0000' + category, new double[] {min, max});
  }

  @Override
  public void drawItem(
      Graphics2D g2,
      CategoryItemRendererState state,
      Rectangle2D dataArea,
      CategoryPlot plot,
      CategoryAxis domainAxis,
      ValueAxis rangeAxis,
      CategoryDataset dataset,
      int row,
      int column,
      int pass) {
    super.drawItem(g2, state, dataArea, plot, domainAxis, rangeAxis, dataset, row, column, pass);
    if (pass != 0) {
      return;
    }
    double[] range =
        ranges.get(dataset.getRowKey(row).toString() + '\u0000' + dataset.getColumnKey(column));
    int visibleRow = state.getVisibleSeriesIndex(row);
    if (range == null || visibleRow < 0 || range[0] == range[1]) {
      return;
    }
    PlotOrientation orientation = plot.getOrientation();
    double barW0 =
        calculateBarW0(plot, orientation, dataArea, domainAxis, state, visibleRow, column);
    double x = barW0 + state.getBarWidth() / 2.0;
    double cap = Math.max(3.0, state.getBarWidth() / 6.0);
    double yMin = rangeAxis.valueToJava2D(range[0], dataArea, plot.getRangeAxisEdge());
    double yMax = rangeAxis.valueToJava2D(range[1], dataArea, plot.getRangeAxisEdge());
    g2.setPaint(Color.BLACK);
    g2.setStroke(Charts.whiskerStroke());
    g2.draw(new Line2D.Double(x, yMin, x, yMax));
    g2.draw(new Line2D.Double(x - cap, yMin, x + cap, yMin));
    g2.draw(new Line2D.Double(x - cap, yMax, x + cap, yMax));
  }
}
