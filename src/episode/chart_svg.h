// The recovery chart of an episode (`norotriage episode show ID --chart
// FILE.svg`): pain scores by day since the illness began, drawn as one
// standalone SVG 1.1 document.
//
// What the chart shows, top to bottom:
//   - the title, then a legend of what is drawn;
//   - the plot: x = day since the illness began, from 0 to
//     ceil(max(last check-in, shown review days, today)) + 2, integer ticks
//     (labelled every 1, 2, 5, 10, 20, 50, ... days so labels never crowd);
//     y = pain score 0..10;
//       back pain: a solid polyline with circle markers (class "back-point"),
//       leg aches: a dashed polyline with square markers (class "leg-point"),
//       in two different colours, so colour-blind readers can tell them
//       apart by dash and shape too;
//       each pain's expected course: a translucent band in its colour;
//       each shown pain's review point: a vertical dashed line labelled
//       "Back: see a doctor if not better" / "Legs: see a doctor if not better";
//       today: a solid grey line labelled "Today";
//   - an "Advice" strip under the plot: one marker per check-in (class
//     "advice-marker") whose colour and shape give its disposition:
//     emergency red triangle, urgent orange diamond, routine blue square,
//     self-care green circle; and the legend of those markers.
// Every marker carries a <title> (a tooltip in browsers), and the document a
// <title> and a <desc> that says the data in words (role="img",
// aria-labelledby), for screen readers.
//
// Sizes are in a viewBox ChartInput::width units wide (800 by default; a
// narrower one lays the legends out in more rows and the labels inside the
// chart) with no width or height, so the chart scales to its container. It uses no external fonts or resources
// (font-family sans-serif) and only presentation attributes, so any SVG 1.1
// renderer (browsers, librsvg) draws it the same way.
//
// Thread safety: pure functions.
#ifndef NOROTRIAGE_EPISODE_CHART_SVG_H_
#define NOROTRIAGE_EPISODE_CHART_SVG_H_

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "norotriage/assessment.h"

namespace norotriage::internal {

// One daily check-in.
struct ChartCheckin {
  double day = 0;                      // days since the illness began, >= 0
  std::string date;                    // e.g. "2026-11-04"; shown in tooltips and the desc
  std::optional<double> back_score;    // 0..10; absent when not recorded
  std::optional<double> leg_score;     // 0..10; absent when not recorded
  Level disposition = Level::kSelfCare;
};

// The expected course of one pain score, as a shaded band.
struct ChartBand {
  // {day, low, high}, any order; drawn when at least 2 points are valid.
  std::vector<std::array<double, 3>> points;
};

struct ChartInput {
  // The viewBox's width, clamped to 300..1200 (not finite: 800). Drawn at this
  // width in CSS pixels, every text is 12 px or more: a page asks for the
  // width it has (a phone's 360-px screen holds the chart at 300-340).
  double width = 800;
  std::string title;                   // e.g. "Recovery since 2026-11-02"
  std::vector<ChartCheckin> checkins;  // any order; drawn sorted by day
  bool show_back = false;              // draw back pain (line, band, review line)
  bool show_legs = false;              // draw leg aches (line, band, review line)
  ChartBand back_band;
  ChartBand leg_band;
  double back_review_day = 21;         // < 0 or not finite: no line
  double leg_review_day = 7;           // < 0 or not finite: no line
  double today = -1;                   // day number of today; < 0: no marker
  // Legend text of each disposition; a missing level gets a default
  // ("Emergency", "Urgent", "Routine", "Self-care").
  std::map<Level, std::string> disposition_labels;
};

// Renders `in` as a complete SVG 1.1 document (UTF-8, with an XML
// declaration). Never fails: it is a pure function of its input.
//
// Every text (title, dates, labels) is escaped for XML; bytes that are not
// valid UTF-8 and characters XML 1.0 forbids become U+FFFD, so the output is
// always well-formed. Lenient on data:
//   - check-ins with a negative or non-finite day are left out;
//   - a non-finite score counts as missing; scores are clamped to 0..10;
//   - a polyline joins the recorded scores of one pain in day order, across
//     days where that score is missing; it is drawn only with 2 or more
//     points (one point is a marker alone);
//   - with no check-ins the plot says "No check-ins yet", and with check-ins
//     but no score to draw, "No pain scores yet";
//   - a title too wide for the chart is cut with "…" (the <title> keeps it whole).
//
// Budget: linear in the number of check-ins and band points, plus at most a
// few hundred elements of axes and legend whatever the day range.
std::string RenderChartSvg(const ChartInput& in);

}  // namespace norotriage::internal

#endif  // NOROTRIAGE_EPISODE_CHART_SVG_H_
