package io.dsabench.reports;

import io.dsabench.reports.model.ReportData;

/** Turns a {@link ReportInput} into a {@link ReportData} through the cost model. */
final class ReportBuilder {
  private ReportBuilder() {}

  static ReportData build(ReportInput input) {
    throw new UnsupportedOperationException("waiting for the cost model's API");
  }
}
