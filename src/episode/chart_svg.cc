#include "episode/chart_svg.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "util/utf8.h"

namespace norotriage::internal {
namespace {

// ------------------------------------------------------------------ geometry
// All in viewBox units. The width is fixed; the height follows from how many
// legend rows the labels need.

constexpr double kMargin = 24;          // left edge of title and legends
constexpr double kPlotLeft = 72;        // room for y tick labels and the y title
constexpr double kRightMargin = 24;     // the plot's right edge from the chart's
constexpr double kPlotHeight = 240;
constexpr double kStripHeight = 22;     // the advice strip under the plot
constexpr double kLegendRow = 22;       // baseline to baseline
constexpr double kTitleSize = 20;
constexpr double kMinTitleSize = 14;    // a narrow chart's title shrinks to this before it is cut
constexpr double kMinChartWidth = 300;
constexpr double kMaxChartWidth = 1200;
constexpr double kTextSize = 12;
constexpr double kAxisTitleSize = 13;
constexpr double kMinTickGap = 32;      // between labelled x ticks
constexpr double kMinMinorTickGap = 6;  // below this, no tick at every day

// Layout needs text widths but a renderer's font metrics are unknown here:
// this is the average advance of a sans-serif font in mixed-case text
// (DejaVu Sans measures ~0.53, Arial ~0.5), erring wide so that estimated
// boxes hold the real text.
constexpr double kCharWidthEm = 0.56;
constexpr double kBoldCharWidthEm = 0.66;  // DejaVu Sans Bold measures ~0.61

// ------------------------------------------------------------------ colours
// The two pains differ in colour, dash and marker shape; the dispositions in
// colour and shape, so that no reading depends on telling red from green.

constexpr std::string_view kBackColor = "#5b3a9a";  // purple
constexpr std::string_view kLegColor = "#00897b";   // teal
constexpr std::string_view kLegDash = "8 5";
constexpr std::string_view kBandOpacity = "0.16";
constexpr std::string_view kTextColor = "#222222";
constexpr std::string_view kMutedColor = "#555555";
constexpr std::string_view kAxisColor = "#8a8a8a";
constexpr std::string_view kGridColor = "#e8e8e8";
constexpr std::string_view kTodayColor = "#444444";

struct LevelStyle {
  Level level;
  std::string_view id;             // class suffix
  std::string_view color;
  std::string_view default_label;
};

// Most serious first: the legend's order.
constexpr std::array<LevelStyle, 4> kLevelStyles = {{
    {Level::kEmergency, "emergency", "#c62828", "Emergency"},
    {Level::kUrgent, "urgent", "#ef6c00", "Urgent"},
    {Level::kRoutine, "routine", "#1565c0", "Routine"},
    {Level::kSelfCare, "self-care", "#2e7d32", "Self-care"},
}};

const LevelStyle& StyleOf(Level level) {
  for (const auto& s : kLevelStyles) {
    if (s.level == level) return s;
  }
  return kLevelStyles.back();  // only a bad cast gets here
}

// --------------------------------------------------------------------- text

constexpr std::string_view kReplacement = kUtf8Replacement;

// Appends `text` escaped for XML character data and attribute values alike.
void AppendEscaped(std::string* out, std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out->append("&amp;"); break;
        case '<': out->append("&lt;"); break;
        case '>': out->append("&gt;"); break;
        case '"': out->append("&quot;"); break;
        case '\'': out->append("&apos;"); break;
        case '\t': case '\n': case '\r': out->push_back(' '); break;
        default:
          // XML 1.0 has no way to write the other control characters, not
          // even as references.
          if (c < 0x20) {
            out->append(kReplacement);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      out->append(kReplacement);
      ++i;
      continue;
    }
    const std::string_view seq = text.substr(i, n);
    // U+FFFE and U+FFFF are valid UTF-8 but not XML characters.
    if (seq == "\xEF\xBF\xBE" || seq == "\xEF\xBF\xBF") {
      out->append(kReplacement);
    } else {
      out->append(seq);
    }
    i += n;
  }
}

std::string Esc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(&out, text);
  return out;
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t CodePoints(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); }));
}

double TextWidth(std::string_view text, double font_size, double em = kCharWidthEm) {
  return static_cast<double>(CodePoints(text)) * font_size * em;
}

// Bold `text` cut to at most `max_width` (estimated), ending in "…" when cut.
std::string FitBoldText(std::string_view text, double font_size, double max_width) {
  if (TextWidth(text, font_size, kBoldCharWidthEm) <= max_width) return std::string(text);
  const auto keep =
      static_cast<size_t>(std::max(0.0, max_width / (font_size * kBoldCharWidthEm) - 1));
  size_t seen = 0;
  size_t end = 0;
  for (; end < text.size(); ++end) {
    if (!IsContinuationByte(text[end]) && seen++ == keep) break;
  }
  return std::string(text.substr(0, end)) + "\xE2\x80\xA6";  // U+2026
}

// Coordinates: one decimal is finer than any screen needs.
std::string Num(double v) { return fmt::format("{:.1f}", v); }

// Days and scores in words: "3", "2.5".
std::string Plain(double v) { return fmt::format("{:g}", v); }

// ---------------------------------------------------------------- the data

bool ValidDay(double day) { return std::isfinite(day) && day >= 0; }

std::optional<double> CleanScore(const std::optional<double>& score) {
  if (!score || !std::isfinite(*score)) return std::nullopt;
  return std::clamp(*score, 0.0, 10.0);
}

struct ScorePoint {
  double day;
  double score;                 // clamped to 0..10
  const ChartCheckin* checkin;  // borrowed from the ChartInput
};

struct Series {
  std::string_view name;        // "back" | "leg": class suffix
  std::string_view title;       // "Back pain" | "Leg aches"
  std::string_view words;       // "back pain" | "leg aches"
  std::string_view color;
  std::string_view dash;        // empty: solid
  std::vector<ScorePoint> points;  // by day
};

// Integer label step for the x axis: 1, 2, 5, 10, 20, 50, ... days, the
// smallest whose labels are at least kMinTickGap apart.
double TickStep(double px_per_day) {
  double step = 1;
  for (int i = 0; step * px_per_day < kMinTickGap; ++i) {
    step *= (i % 3 == 1) ? 2.5 : 2;  // 1, 2, 5, 10, 20, 50, ...
  }
  return step;
}

// ------------------------------------------------------------------ writer

class SvgOut {
 public:
  template <typename... Args>
  void Add(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(out_), format, std::forward<Args>(args)...);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// A disposition marker centred on (cx, cy), about 2r across.
void AddLevelShape(SvgOut& svg, Level level, double cx, double cy, double r,
                   std::string_view css_class, std::string_view tooltip) {
  const LevelStyle& style = StyleOf(level);
  const std::string common = fmt::format(
      R"(class="{}" fill="{}" stroke="#ffffff" stroke-width="1")", css_class, style.color);
  const std::string tip = tooltip.empty() ? "" : fmt::format("<title>{}</title>", Esc(tooltip));
  switch (level) {
    case Level::kEmergency:  // triangle
      svg.Add(R"(<polygon {} points="{},{} {},{} {},{}">{}</polygon>)", common, Num(cx),
              Num(cy - r * 1.2), Num(cx + r * 1.2), Num(cy + r * 0.9), Num(cx - r * 1.2),
              Num(cy + r * 0.9), tip);
      break;
    case Level::kUrgent:  // diamond
      svg.Add(R"(<polygon {} points="{},{} {},{} {},{} {},{}">{}</polygon>)", common, Num(cx),
              Num(cy - r * 1.25), Num(cx + r * 1.25), Num(cy), Num(cx), Num(cy + r * 1.25),
              Num(cx - r * 1.25), Num(cy), tip);
      break;
    case Level::kRoutine:  // square
      svg.Add(R"(<rect {} x="{}" y="{}" width="{}" height="{}">{}</rect>)", common,
              Num(cx - r * 0.9), Num(cy - r * 0.9), Num(r * 1.8), Num(r * 1.8), tip);
      break;
    default:  // self-care: circle
      svg.Add(R"(<circle {} cx="{}" cy="{}" r="{}">{}</circle>)", common, Num(cx), Num(cy),
              Num(r), tip);
  }
  svg.Add("\n");
}

// ------------------------------------------------------------------ legends

enum class Swatch { kNone, kBackLine, kLegLine, kBand, kLevel };

struct LegendItem {
  Swatch swatch = Swatch::kNone;
  Level level = Level::kSelfCare;  // for kLevel
  std::string text;
  double x = 0;                    // set by LayOut
  double y = 0;                    // baseline; set by LayOut
};

constexpr double kSwatchWidth = 28;
constexpr double kSwatchGap = 6;
constexpr double kItemGap = 22;

double ItemWidth(const LegendItem& item) {
  return (item.swatch == Swatch::kNone ? 0 : kSwatchWidth + kSwatchGap) +
         TextWidth(item.text, kTextSize);
}

// Places `items` left to right from (kMargin, first_baseline), wrapping at the
// right edge. Returns the number of rows (at least 1).
int LayOut(std::vector<LegendItem>& items, double first_baseline, double chart_width) {
  double x = kMargin;
  int row = 0;
  for (auto& item : items) {
    const double width = ItemWidth(item);
    if (x > kMargin && x + width > chart_width - kMargin) {
      x = kMargin;
      ++row;
    }
    item.x = x;
    item.y = first_baseline + row * kLegendRow;
    x += width + kItemGap;
  }
  return row + 1;
}

// Places `heading` at (kMargin, first_baseline) and `items` in a grid of
// equal columns to its right: one row of all items if they fit, else 2
// columns, else 1. Returns the number of rows.
int LayOutGrid(LegendItem& heading, std::vector<LegendItem>& items, double first_baseline,
               double chart_width) {
  heading.x = kMargin;
  heading.y = first_baseline;
  double column = 0;
  for (const auto& item : items) column = std::max(column, ItemWidth(item) + kItemGap);
  const double right = chart_width - kMargin;
  double left = kMargin + ItemWidth(heading) + kItemGap;
  int heading_rows = 0;
  if (left + column - kItemGap > right) {  // not one column beside it: the items go under it
    left = kMargin;
    heading_rows = 1;
  }
  size_t columns = items.size();
  while (columns > 1 && left + static_cast<double>(columns) * column - kItemGap > right) {
    columns = columns > 2 ? 2 : 1;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].x = left + static_cast<double>(i % columns) * column;
    items[i].y = first_baseline + static_cast<double>(heading_rows + static_cast<int>(i / columns)) * kLegendRow;
  }
  return heading_rows + (items.empty() ? 1 : static_cast<int>((items.size() + columns - 1) / columns));
}

void AddLegend(SvgOut& svg, const std::vector<LegendItem>& items, bool show_back,
               bool show_legs) {
  for (const auto& item : items) {
    const double cy = item.y - 4;  // the middle of 12-unit text
    const double mid = item.x + kSwatchWidth / 2;
    switch (item.swatch) {
      case Swatch::kNone:
        break;
      case Swatch::kBackLine:
      case Swatch::kLegLine: {
        const bool back = item.swatch == Swatch::kBackLine;
        const std::string_view color = back ? kBackColor : kLegColor;
        svg.Add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"{}/>)",
                Num(item.x), Num(cy), Num(item.x + kSwatchWidth), Num(cy), color,
                back ? "" : fmt::format(R"( stroke-dasharray="{}")", kLegDash));
        if (back) {
          svg.Add(R"(<circle cx="{}" cy="{}" r="4.5" fill="{}" stroke="#ffffff" stroke-width="1.5"/>)",
                  Num(mid), Num(cy), color);
        } else {
          svg.Add(R"(<rect x="{}" y="{}" width="8" height="8" fill="{}" stroke="#ffffff" stroke-width="1.5"/>)",
                  Num(mid - 4), Num(cy - 4), color);
        }
        break;
      }
      case Swatch::kBand: {
        // One half per shown pain, in its colour.
        const bool both = show_back && show_legs;
        const double h = both ? 6 : 12;
        double top = cy - 6;
        if (show_back) {
          svg.Add(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="{}"/>)",
                  Num(item.x), Num(top), Num(kSwatchWidth), Num(h), kBackColor, kBandOpacity);
          top += h;
        }
        if (show_legs) {
          svg.Add(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="{}"/>)",
                  Num(item.x), Num(top), Num(kSwatchWidth), Num(h), kLegColor, kBandOpacity);
        }
        break;
      }
      case Swatch::kLevel:
        AddLevelShape(svg, item.level, mid, cy, 5.5, "legend-swatch", "");
        break;
    }
    const double text_x =
        item.swatch == Swatch::kNone ? item.x : item.x + kSwatchWidth + kSwatchGap;
    svg.Add(R"(<text x="{}" y="{}" font-size="{}" fill="{}">{}</text>)", Num(text_x),
            Num(item.y), kTextSize, kTextColor, Esc(item.text));
    svg.Add("\n");
  }
}

// ------------------------------------------------------------- description

std::string LevelLabel(const ChartInput& in, Level level) {
  const auto it = in.disposition_labels.find(level);
  return it != in.disposition_labels.end() ? it->second
                                           : std::string(StyleOf(level).default_label);
}

std::string DayWords(const ChartCheckin& c) {
  return c.date.empty() ? fmt::format("Day {}", Plain(c.day))
                        : fmt::format("Day {} ({})", Plain(c.day), c.date);
}

// ------------------------------------------------------------------- chart

// The cleaned data and the layout of one chart; each Add* draws one part.
// Borrows the ChartInput: REQUIRES it to outlive the Chart.
class Chart {
 public:
  explicit Chart(const ChartInput& in);

  Chart(const Chart&) = delete;  // a one-shot builder: nothing to share
  Chart& operator=(const Chart&) = delete;

  // The document. REQUIRES: called at most once (it moves the text out).
  std::string Render();

 private:
  double X(double day) const { return kPlotLeft + day * px_per_day_; }
  double Y(double score) const { return plot_bottom_ - score / 10 * kPlotHeight; }

  std::string Description() const;
  void AddHead();
  void AddGrid();
  void AddBands();
  void AddAxes();
  void AddToday();
  void AddSeries();
  void AddReviews();
  void AddMessage();
  void AddAdviceStrip();

  const ChartInput& in_;
  double width_ = 800;         // the viewBox's width (ChartInput::width, clamped)
  double plot_right_ = 0;
  double plot_width_ = 0;
  double title_size_ = kTitleSize;
  std::vector<const ChartCheckin*> checkins_;  // valid days only, by day
  Series back_{"back", "Back pain", "back pain", kBackColor, "", {}};
  Series legs_{"leg", "Leg aches", "leg aches", kLegColor, kLegDash, {}};
  std::vector<std::array<double, 3>> back_band_;  // cleaned, by day; empty: none
  std::vector<std::array<double, 3>> leg_band_;
  bool back_review_ = false;   // draw the back review line
  bool leg_review_ = false;
  bool today_ = false;         // draw the today line

  double x_max_ = 0;           // the x axis runs 0..x_max_ days
  double px_per_day_ = 0;
  double title_y_ = 34;        // baselines and edges, top to bottom
  std::vector<LegendItem> top_legend_;
  double plot_top_ = 0;
  double plot_bottom_ = 0;
  double strip_top_ = 0;
  double tick_label_y_ = 0;
  double x_title_y_ = 0;
  std::vector<LegendItem> advice_legend_;  // heading first
  double height_ = 0;

  SvgOut svg_;
};

// `band` cleaned (finite, 0..10, low <= high) and sorted by day; empty when
// fewer than 2 points are left.
std::vector<std::array<double, 3>> CleanBand(const ChartBand& band) {
  std::vector<std::array<double, 3>> points;
  for (auto p : band.points) {
    if (!std::isfinite(p[0]) || !std::isfinite(p[1]) || !std::isfinite(p[2])) continue;
    p[1] = std::clamp(p[1], 0.0, 10.0);
    p[2] = std::clamp(p[2], 0.0, 10.0);
    if (p[1] > p[2]) std::swap(p[1], p[2]);
    points.push_back(p);
  }
  std::stable_sort(points.begin(), points.end(),
                   [](const auto& a, const auto& b) { return a[0] < b[0]; });
  if (points.size() < 2) points.clear();
  return points;
}

Chart::Chart(const ChartInput& in) : in_(in) {
  width_ = std::isfinite(in.width) ? std::clamp(std::round(in.width), kMinChartWidth, kMaxChartWidth) : 800;
  plot_right_ = width_ - kRightMargin;
  plot_width_ = plot_right_ - kPlotLeft;
  // A narrow chart makes its title smaller (not below kMinTitleSize) before it cuts it.
  const double fit = (width_ - 2 * kMargin) /
                     (static_cast<double>(std::max<size_t>(1, CodePoints(in.title))) * kBoldCharWidthEm);
  title_size_ = std::clamp(std::floor(fit * 10) / 10, kMinTitleSize, kTitleSize);
  // The data, cleaned and in day order.
  for (const auto& c : in.checkins) {
    if (ValidDay(c.day)) checkins_.push_back(&c);
  }
  std::stable_sort(checkins_.begin(), checkins_.end(),
                   [](const ChartCheckin* a, const ChartCheckin* b) { return a->day < b->day; });
  for (const ChartCheckin* c : checkins_) {
    if (const auto s = CleanScore(c->back_score); s && in.show_back) {
      back_.points.push_back({c->day, *s, c});
    }
    if (const auto s = CleanScore(c->leg_score); s && in.show_legs) {
      legs_.points.push_back({c->day, *s, c});
    }
  }
  if (in.show_back) back_band_ = CleanBand(in.back_band);
  if (in.show_legs) leg_band_ = CleanBand(in.leg_band);
  back_review_ = in.show_back && ValidDay(in.back_review_day);
  leg_review_ = in.show_legs && ValidDay(in.leg_review_day);
  today_ = ValidDay(in.today);

  // The x scale.
  double last_day = checkins_.empty() ? 0 : checkins_.back()->day;
  if (back_review_) last_day = std::max(last_day, in.back_review_day);
  if (leg_review_) last_day = std::max(last_day, in.leg_review_day);
  if (today_) last_day = std::max(last_day, in.today);
  x_max_ = std::ceil(last_day) + 2;
  px_per_day_ = plot_width_ / x_max_;

  // The layout, top to bottom.
  if (in.show_back) top_legend_.push_back({Swatch::kBackLine, Level::kSelfCare, "Back pain"});
  if (in.show_legs) top_legend_.push_back({Swatch::kLegLine, Level::kSelfCare, "Leg aches"});
  if (!back_band_.empty() || !leg_band_.empty()) {
    top_legend_.push_back({Swatch::kBand, Level::kSelfCare, "Shaded: the usual course"});
  }
  const double legend_y = title_y_ + 28;
  const int top_rows = LayOut(top_legend_, legend_y, width_);
  plot_top_ = legend_y + (top_rows - 1) * kLegendRow + 34;  // room for "Today" above
  plot_bottom_ = plot_top_ + kPlotHeight;
  strip_top_ = plot_bottom_ + 12;
  tick_label_y_ = strip_top_ + kStripHeight + 18;
  x_title_y_ = tick_label_y_ + 22;

  advice_legend_.push_back({Swatch::kNone, Level::kSelfCare, "Advice at each check-in:"});
  std::vector<LegendItem> items;
  for (const auto& style : kLevelStyles) {
    items.push_back({Swatch::kLevel, style.level, LevelLabel(in, style.level)});
  }
  const double advice_y = x_title_y_ + 30;
  const int advice_rows = LayOutGrid(advice_legend_.front(), items, advice_y, width_);
  advice_legend_.insert(advice_legend_.end(), items.begin(), items.end());
  height_ = advice_y + (advice_rows - 1) * kLegendRow + 18;
}

std::string Chart::Render() {
  AddHead();
  AddGrid();
  AddBands();    // under everything else in the plot
  AddAxes();
  AddToday();
  AddSeries();
  AddReviews();  // labels over the lines, on a light box
  AddMessage();
  AddAdviceStrip();
  svg_.Add(R"(<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="middle">Day since the illness began</text>)"
           "\n",
           Num(kPlotLeft + plot_width_ / 2), Num(x_title_y_), kAxisTitleSize, kTextColor);
  svg_.Add(R"svg(<text transform="translate({},{}) rotate(-90)" font-size="{}" fill="{}" text-anchor="middle">Pain score (0-10)</text>)svg"
           "\n",
           Num(kMargin - 2), Num(plot_top_ + kPlotHeight / 2), kAxisTitleSize, kTextColor);
  AddLegend(svg_, advice_legend_, false, false);
  svg_.Add("</svg>\n");
  return svg_.Take();
}

// The data in words, for screen readers.
std::string Chart::Description() const {
  std::string desc =
      "Pain scores from 0 (no pain) to 10 (worst pain) by day since the illness began.";
  if (checkins_.empty()) desc += " No check-ins yet.";
  for (const Series* s : {&back_, &legs_}) {
    if ((s == &back_ && !in_.show_back) || (s == &legs_ && !in_.show_legs)) continue;
    desc += fmt::format(" {}:", s->title);
    if (s->points.empty()) desc += " no scores yet.";
    for (size_t i = 0; i < s->points.size(); ++i) {
      desc += fmt::format(" day {} score {}{}", Plain(s->points[i].day),
                          Plain(s->points[i].score), i + 1 < s->points.size() ? "," : ".");
    }
  }
  if (!checkins_.empty()) {
    desc += " Advice:";
    for (size_t i = 0; i < checkins_.size(); ++i) {
      desc += fmt::format(" day {} {}{}", Plain(checkins_[i]->day),
                          LevelLabel(in_, checkins_[i]->disposition),
                          i + 1 < checkins_.size() ? "," : ".");
    }
  }
  if (back_review_) {
    desc += fmt::format(" See a doctor if back pain is not better by day {}.",
                        Plain(in_.back_review_day));
  }
  if (leg_review_) {
    desc += fmt::format(" See a doctor if leg aches are not better by day {}.",
                        Plain(in_.leg_review_day));
  }
  if (today_) desc += fmt::format(" Today is day {}.", Plain(in_.today));
  return desc;
}

// The document's start, title and the legend of what is drawn.
void Chart::AddHead() {
  svg_.Add("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  svg_.Add(R"(<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {} {}" )"
           R"(role="img" aria-labelledby="nt-chart-title nt-chart-desc" )"
           R"(font-family="sans-serif">)"
           "\n",
           Num(width_), Num(height_));
  svg_.Add(R"(<title id="nt-chart-title">{}</title>)" "\n", Esc(in_.title));
  svg_.Add(R"(<desc id="nt-chart-desc">{}</desc>)" "\n", Esc(Description()));
  svg_.Add(R"(<defs><clipPath id="nt-chart-plot"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>)"
           "\n",
           Num(kPlotLeft), Num(plot_top_), Num(plot_width_), Num(kPlotHeight));
  svg_.Add(R"(<rect width="{}" height="{}" fill="#ffffff"/>)" "\n", Num(width_), Num(height_));
  svg_.Add(R"(<text x="{}" y="{}" font-size="{}" font-weight="bold" fill="{}">{}</text>)" "\n",
           Num(kMargin), Num(title_y_), title_size_, kTextColor,
           Esc(FitBoldText(in_.title, title_size_, width_ - 2 * kMargin)));
  AddLegend(svg_, top_legend_, !back_band_.empty(), !leg_band_.empty());
}

// Grid lines with the y and x tick labels.
void Chart::AddGrid() {
  svg_.Add("<g class=\"grid\">\n");
  for (int score = 0; score <= 10; score += 2) {
    const double y = Y(score);
    svg_.Add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>)",
             Num(kPlotLeft), Num(y), Num(plot_right_), Num(y), kGridColor);
    svg_.Add(R"(<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="end">{}</text>)" "\n",
             Num(kPlotLeft - 8), Num(y + 4), kTextSize, kMutedColor, score);
  }
  const double step = TickStep(px_per_day_);
  for (int k = 0; k * step <= x_max_ + 1e-9; ++k) {
    const double day = k * step;
    const double x = X(day);
    svg_.Add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>)",
             Num(x), Num(plot_top_), Num(x), Num(plot_bottom_), kGridColor);
    svg_.Add(R"(<text class="x-tick" x="{}" y="{}" font-size="{}" fill="{}" text-anchor="middle">{}</text>)"
             "\n",
             Num(x), Num(tick_label_y_), kTextSize, kMutedColor, Plain(day));
  }
  svg_.Add("</g>\n");
}

// Each pain's expected course: highs left to right, then lows back.
void Chart::AddBands() {
  svg_.Add("<g clip-path=\"url(#nt-chart-plot)\">\n");
  for (const auto* band : {&back_band_, &leg_band_}) {
    if (band->empty()) continue;
    const bool is_back = band == &back_band_;
    std::string points;
    for (const auto& p : *band) points += fmt::format("{},{} ", Num(X(p[0])), Num(Y(p[2])));
    for (auto it = band->rbegin(); it != band->rend(); ++it) {
      points += fmt::format("{},{} ", Num(X((*it)[0])), Num(Y((*it)[1])));
    }
    points.pop_back();
    svg_.Add(R"(<polygon class="band band-{}" points="{}" fill="{}" fill-opacity="{}" stroke="none"/>)"
             "\n",
             is_back ? "back" : "leg", points, is_back ? kBackColor : kLegColor, kBandOpacity);
  }
  svg_.Add("</g>\n");
}

// The axis lines, and a tick at every day when days are far enough apart.
void Chart::AddAxes() {
  svg_.Add(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="1"/>)" "\n",
           Num(kPlotLeft), Num(plot_top_), Num(plot_bottom_), kAxisColor);
  svg_.Add(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="{3}" stroke-width="1"/>)" "\n",
           Num(kPlotLeft), Num(plot_bottom_), Num(plot_right_), kAxisColor);
  if (px_per_day_ >= kMinMinorTickGap) {
    std::string ticks;
    for (int day = 0; day <= x_max_; ++day) {
      ticks += fmt::format("M{} {}v4", Num(X(day)), Num(plot_bottom_));
    }
    svg_.Add(R"(<path d="{}" stroke="{}" stroke-width="1"/>)" "\n", ticks, kAxisColor);
  }
}

// Today: a line through the plot, labelled above it.
void Chart::AddToday() {
  if (!today_) return;
  const double x = X(in_.today);
  svg_.Add(R"(<line class="today" x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="1.5"/>)"
           "\n",
           Num(x), Num(plot_top_ - 4), Num(plot_bottom_), kTodayColor);
  const double half = TextWidth("Today", kTextSize, kBoldCharWidthEm) / 2;
  svg_.Add(R"(<text x="{}" y="{}" font-size="{}" font-weight="bold" fill="{}" text-anchor="middle">Today</text>)"
           "\n",
           Num(std::clamp(x, kPlotLeft + half, plot_right_ - half)), Num(plot_top_ - 8),
           kTextSize, kTodayColor);
}

// The pains: both lines first, then the markers on top of them.
void Chart::AddSeries() {
  for (const Series* s : {&back_, &legs_}) {
    if (s->points.size() < 2) continue;
    std::string points;
    for (const auto& p : s->points) points += fmt::format("{},{} ", Num(X(p.day)), Num(Y(p.score)));
    points.pop_back();
    svg_.Add(R"(<polyline class="series series-{}" points="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"{}/>)"
             "\n",
             s->name, points, s->color,
             s->dash.empty() ? "" : fmt::format(R"( stroke-dasharray="{}")", s->dash));
  }
  for (const Series* s : {&back_, &legs_}) {
    for (const ScorePoint& p : s->points) {
      const std::string tip =
          Esc(fmt::format("{}: {} {} of 10", DayWords(*p.checkin), s->words, Plain(p.score)));
      if (s == &back_) {
        svg_.Add(R"(<circle class="back-point" cx="{}" cy="{}" r="5" fill="{}" stroke="#ffffff" stroke-width="1.5"><title>{}</title></circle>)"
                 "\n",
                 Num(X(p.day)), Num(Y(p.score)), s->color, tip);
      } else {
        svg_.Add(R"(<rect class="leg-point" x="{}" y="{}" width="9" height="9" fill="{}" stroke="#ffffff" stroke-width="1.5"><title>{}</title></rect>)"
                 "\n",
                 Num(X(p.day) - 4.5), Num(Y(p.score) - 4.5), s->color, tip);
      }
    }
  }
}

// Review points, labelled at the top of the plot; the second label moves a
// row down when the two would overlap.
void Chart::AddReviews() {
  struct Review {
    bool shown;
    double day;
    std::string_view css;
    std::string_view color;
    std::string_view text;
  };
  const Review reviews[] = {
      {back_review_, in_.back_review_day, "back", kBackColor, "Back: see a doctor if not better"},
      {leg_review_, in_.leg_review_day, "leg", kLegColor, "Legs: see a doctor if not better"},
  };
  std::optional<std::pair<double, double>> first;  // the first label's left and right
  for (const auto& r : reviews) {
    if (!r.shown) continue;
    const double x = X(r.day);
    svg_.Add(R"(<line class="review-line review-{0}" x1="{1}" y1="{2}" x2="{1}" y2="{3}" stroke="{4}" stroke-width="1.5" stroke-dasharray="5 4"/>)"
             "\n",
             r.css, Num(x), Num(plot_top_), Num(plot_bottom_), r.color);
    const double width = TextWidth(r.text, kTextSize);
    const bool after = x + 6 + width <= plot_right_;  // else before the line
    // On a narrow chart neither side may hold it: kept inside the chart, over the line.
    const double left = std::clamp(after ? x + 6 : x - 6 - width, 4.0, std::max(4.0, width_ - 4 - width));
    const bool overlaps =
        first && left < first->second + 4 && left + width > first->first - 4;
    const double baseline = plot_top_ + (overlaps ? 34 : 16);
    svg_.Add(R"(<rect x="{}" y="{}" width="{}" height="17" rx="3" fill="#ffffff" fill-opacity="0.85"/>)",
             Num(left - 3), Num(baseline - 13), Num(width + 6));
    svg_.Add(R"(<text class="review-label review-label-{}" x="{}" y="{}" font-size="{}" fill="{}">{}</text>)" "\n",
             r.css, Num(left), Num(baseline), kTextSize, r.color, r.text);
    if (!first) first.emplace(left, left + width);
  }
}

// A message on a plot with nothing to draw.
void Chart::AddMessage() {
  std::string_view message;
  if (checkins_.empty()) {
    message = "No check-ins yet";
  } else if (back_.points.empty() && legs_.points.empty()) {
    message = "No pain scores yet";
  }
  if (message.empty()) return;
  svg_.Add(R"(<text class="message" x="{}" y="{}" font-size="16" fill="{}" text-anchor="middle">{}</text>)"
           "\n",
           Num(kPlotLeft + plot_width_ / 2), Num(plot_top_ + kPlotHeight / 2), kMutedColor,
           message);
}

// One marker per check-in under the plot; the most serious is drawn last, so
// it shows when markers of one day overlap.
void Chart::AddAdviceStrip() {
  const double mid = strip_top_ + kStripHeight / 2;
  svg_.Add(R"(<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="#f3f3f3"/>)" "\n",
           Num(kPlotLeft), Num(strip_top_), Num(plot_width_), Num(kStripHeight));
  svg_.Add(R"(<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="end">Advice</text>)" "\n",
           Num(kPlotLeft - 8), Num(mid + 4), kTextSize, kMutedColor);
  std::vector<const ChartCheckin*> by_level = checkins_;
  std::stable_sort(by_level.begin(), by_level.end(),
                   [](const auto* a, const auto* b) { return a->disposition < b->disposition; });
  for (const ChartCheckin* c : by_level) {
    const std::string tip = fmt::format("{}: {}", DayWords(*c), LevelLabel(in_, c->disposition));
    AddLevelShape(svg_, c->disposition, X(c->day), mid, 6,
                  fmt::format("advice-marker advice-{}", StyleOf(c->disposition).id), tip);
  }
}

}  // namespace

std::string RenderChartSvg(const ChartInput& in) { return Chart(in).Render(); }

}  // namespace norotriage::internal
