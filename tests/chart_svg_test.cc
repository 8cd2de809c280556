// The recovery chart (episode/chart_svg.h): the document is well-formed XML
// (a tiny tokenizer here, and xmllint), a sample episode has the expected
// lines and markers, librsvg renders it to pixels that are not blank, every
// text is escaped, the edge cases hold, and doc/chart-example.svg is what the
// renderer makes today.
//
// The external tools come from scripts/setup.sh (libxml2-utils, librsvg2-bin,
// netpbm); a test that needs a missing one fails and names the package.
// NOROTRIAGE_UPDATE_GOLDEN=1 rewrites doc/chart-example.svg.
#include "episode/chart_svg.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#ifndef NOROTRIAGE_SOURCE_DIR
#define NOROTRIAGE_SOURCE_DIR "."  // standalone builds run from the repository root
#endif

namespace norotriage::internal {
namespace {

// ------------------------------------------------------------- the sample

// An adult on day 9 of norovirus: retching strained the back, legs ached
// from day 1; could not keep fluids down on day 1 (urgent), leg aches still
// there on day 8 (routine, past the 7-day review point).
ChartInput SampleEpisode() {
  ChartInput in;
  in.title = "Recovery since 2026-11-02";
  in.show_back = true;
  in.show_legs = true;
  // Out of order on purpose: the chart sorts by day.
  in.checkins = {
      {2, "2026-11-04", 7, 8, Level::kSelfCare},
      {1, "2026-11-03", 6, 7, Level::kUrgent},
      {3, "2026-11-05", 5, 6, Level::kSelfCare},
      {4, "2026-11-06", 4, std::nullopt, Level::kSelfCare},  // leg score not recorded
      {6, "2026-11-08", 3, 4, Level::kSelfCare},
      {8, "2026-11-10", 2, 3, Level::kRoutine},
      {9, "2026-11-11", std::nullopt, 2, Level::kSelfCare},  // back score not recorded
  };
  in.back_band.points = {{0, 2, 6}, {2, 3, 7}, {7, 1, 4}, {14, 0, 2}, {21, 0, 1}, {30, 0, 1}};
  in.leg_band.points = {{0, 2, 6}, {2, 4, 8}, {5, 1, 4}, {7, 0, 2}, {10, 0, 1}};
  in.today = 9;
  in.disposition_labels = {
      {Level::kEmergency, "Emergency: get help now"},
      {Level::kUrgent, "Urgent: see a doctor today"},
      {Level::kRoutine, "Routine: see a doctor soon"},
      {Level::kSelfCare, "Self-care at home"},
  };
  return in;
}

// --------------------------------------------------------- a tiny XML reader

struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;  // values as written (not unescaped)
  bool HasClass(std::string_view css) const {
    const auto it = attrs.find("class");
    if (it == attrs.end()) return false;
    std::istringstream words(it->second);
    std::string word;
    while (words >> word) {
      if (word == css) return true;
    }
    return false;
  }
};

bool IsNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
}
bool IsNameChar(char c) {
  return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}
bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Checks the parts of XML well-formedness this renderer could get wrong: one
// root element, tags nested and closed, names, quoted and unique attributes,
// no '<' in text or values, and only the five predefined or numeric entity
// references. Returns "" when they hold (and the elements in document order
// in *elements), else what is wrong and where.
std::string CheckXml(std::string_view doc, std::vector<Element>* elements) {
  size_t i = 0;
  std::vector<std::string> open;
  int roots = 0;
  auto where = [&](std::string_view what) { return std::string(what) + " at offset " + std::to_string(i); };
  auto check_entities = [&](std::string_view text) -> bool {
    for (size_t k = text.find('&'); k != std::string_view::npos; k = text.find('&', k + 1)) {
      const size_t semi = text.find(';', k);
      if (semi == std::string_view::npos) return false;
      const std::string_view ref = text.substr(k + 1, semi - k - 1);
      if (ref == "amp" || ref == "lt" || ref == "gt" || ref == "quot" || ref == "apos") continue;
      if (ref.size() >= 2 && ref[0] == '#') continue;
      return false;
    }
    return true;
  };
  auto skip_space = [&] {
    while (i < doc.size() && IsSpace(doc[i])) ++i;
  };
  auto read_name = [&]() -> std::string {
    const size_t start = i;
    if (i < doc.size() && IsNameStart(doc[i])) {
      ++i;
      while (i < doc.size() && IsNameChar(doc[i])) ++i;
    }
    return std::string(doc.substr(start, i - start));
  };
  if (doc.substr(0, 5) == "<?xml") {
    i = doc.find("?>");
    if (i == std::string_view::npos) return "unterminated XML declaration";
    i += 2;
  }
  while (i < doc.size()) {
    const size_t lt = doc.find('<', i);
    const std::string_view text = doc.substr(i, lt == std::string_view::npos ? lt : lt - i);
    if (!check_entities(text)) return where("bad entity reference in text");
    if (open.empty() && text.find_first_not_of(" \n\t\r") != std::string_view::npos) {
      return where("text outside the root element");
    }
    if (lt == std::string_view::npos) break;
    i = lt + 1;
    if (doc.substr(i, 3) == "!--") {
      const size_t end = doc.find("-->", i);
      if (end == std::string_view::npos) return where("unterminated comment");
      i = end + 3;
      continue;
    }
    if (i < doc.size() && doc[i] == '/') {
      ++i;
      const std::string name = read_name();
      skip_space();
      if (i >= doc.size() || doc[i] != '>') return where("bad end tag");
      ++i;
      if (open.empty() || open.back() != name) return where("end tag </" + name + "> does not match");
      open.pop_back();
      continue;
    }
    Element element;
    element.name = read_name();
    if (element.name.empty()) return where("bad tag name");
    if (open.empty() && ++roots > 1) return where("second root element");
    while (true) {
      const size_t before = i;
      skip_space();
      if (i >= doc.size()) return where("unterminated start tag");
      if (doc[i] == '>' || doc.substr(i, 2) == "/>") break;
      if (i == before) return where("no space before attribute");
      const std::string attr = read_name();
      if (attr.empty()) return where("bad attribute name");
      skip_space();
      if (i >= doc.size() || doc[i] != '=') return where("attribute without '='");
      ++i;
      skip_space();
      if (i >= doc.size() || (doc[i] != '"' && doc[i] != '\'')) return where("unquoted attribute");
      const char quote = doc[i++];
      const size_t end = doc.find(quote, i);
      if (end == std::string_view::npos) return where("unterminated attribute value");
      const std::string_view value = doc.substr(i, end - i);
      if (value.find('<') != std::string_view::npos || !check_entities(value)) {
        return where("bad attribute value");
      }
      if (!element.attrs.emplace(attr, std::string(value)).second) {
        return where("duplicate attribute " + attr);
      }
      i = end + 1;
    }
    const bool empty = doc[i] == '/';
    i += empty ? 2 : 1;
    if (!empty) open.push_back(element.name);
    elements->push_back(std::move(element));
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  if (roots != 1) return "no root element";
  return "";
}

std::vector<Element> ParseOrFail(const std::string& svg) {
  std::vector<Element> elements;
  const std::string error = CheckXml(svg, &elements);
  EXPECT_EQ(error, "") << svg;
  return elements;
}

int Count(const std::vector<Element>& elements, std::string_view name, std::string_view css = "") {
  int n = 0;
  for (const auto& e : elements) {
    if (e.name == name && (css.empty() || e.HasClass(css))) ++n;
  }
  return n;
}

std::vector<const Element*> Find(const std::vector<Element>& elements, std::string_view css) {
  std::vector<const Element*> found;
  for (const auto& e : elements) {
    if (e.HasClass(css)) found.push_back(&e);
  }
  return found;
}

std::vector<double> PolylineXs(const Element& polyline) {
  std::vector<double> xs;
  std::istringstream points(polyline.attrs.at("points"));
  std::string pair;
  while (points >> pair) xs.push_back(std::stod(pair.substr(0, pair.find(','))));
  return xs;
}

TEST(ChartSvgXmlCheckerTest, CatchesBadDocuments) {
  std::vector<Element> e;
  EXPECT_EQ(CheckXml(R"(<svg a="1"><g><title>x &amp; y</title></g></svg>)", &e), "");
  EXPECT_NE(CheckXml("<svg><g></svg>", &e), "");
  EXPECT_NE(CheckXml("<svg><g></g>", &e), "");
  EXPECT_NE(CheckXml("<svg>a < b</svg>", &e), "");
  EXPECT_NE(CheckXml("<svg>a & b</svg>", &e), "");
  EXPECT_NE(CheckXml(R"(<svg a="<"/>)", &e), "");
  EXPECT_NE(CheckXml(R"(<svg a="1" a="2"/>)", &e), "");
  EXPECT_NE(CheckXml("<svg a=1/>", &e), "");
  EXPECT_NE(CheckXml("<svg/><svg/>", &e), "");
}

// ------------------------------------------------------- external tools

// Temporary files of this process, removed at destruction.
class TempFiles {
 public:
  TempFiles() = default;
  TempFiles(const TempFiles&) = delete;  // would remove the files twice
  TempFiles& operator=(const TempFiles&) = delete;
  ~TempFiles() {
    for (const auto& path : paths_) std::remove(path.c_str());
  }
  std::string Path(std::string_view name) {
    paths_.push_back(testing::TempDir() + "chart_svg_test_" + std::to_string(getpid()) + "_" +
                     std::string(name));
    return paths_.back();
  }

 private:
  std::vector<std::string> paths_;
};

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The exit code of `command` run by the shell (-1 when it did not exit).
int Run(const std::string& command) {
  const int status = std::system(command.c_str());
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool HaveTool(std::string_view tool) {
  return Run("command -v " + std::string(tool) + " >/dev/null 2>&1") == 0;
}

// Fails (never skips) when a tool scripts/setup.sh installs is missing.
#define REQUIRE_TOOL(tool, package)                                                   \
  ASSERT_TRUE(HaveTool(tool)) << (tool) << " not found: run scripts/setup.sh (Debian " \
                              << "package " << (package) << ")"

void ExpectXmllintAccepts(const std::string& svg, TempFiles& files) {
  REQUIRE_TOOL("xmllint", "libxml2-utils");
  const std::string path = files.Path("lint.svg");
  WriteFile(path, svg);
  EXPECT_EQ(Run("xmllint --noout '" + path + "'"), 0) << svg;
}

struct Image {
  int width = 0;
  int height = 0;
  std::vector<unsigned char> rgb;  // width * height * 3 bytes
};

// Reads a binary PPM (P6) or PGM (P5) with maxval 255, as pngtopnm writes.
std::optional<Image> ReadPnm(const std::string& bytes) {
  std::istringstream in(bytes);
  std::string magic;
  in >> magic;
  if (magic != "P6" && magic != "P5") return std::nullopt;
  int numbers[3] = {0, 0, 0};
  for (int& n : numbers) {
    in >> std::ws;
    while (in.peek() == '#') {
      std::string comment;
      std::getline(in, comment);
      in >> std::ws;
    }
    if (!(in >> n)) return std::nullopt;
  }
  if (numbers[2] != 255 || in.get() == EOF) return std::nullopt;
  Image image{numbers[0], numbers[1], {}};
  const size_t channels = magic == "P6" ? 3 : 1;
  const size_t pixels = static_cast<size_t>(image.width) * static_cast<size_t>(image.height);
  std::string data(pixels * channels, '\0');
  if (!in.read(data.data(), static_cast<std::streamsize>(data.size()))) return std::nullopt;
  image.rgb.resize(pixels * 3);
  for (size_t p = 0; p < pixels; ++p) {
    for (size_t c = 0; c < 3; ++c) {
      image.rgb[p * 3 + c] = static_cast<unsigned char>(data[p * channels + (channels == 3 ? c : 0)]);
    }
  }
  return image;
}

// Renders `svg` with librsvg at `width` pixels wide and decodes the PNG.
std::optional<Image> Render(const std::string& svg, TempFiles& files, int width = 800) {
  const std::string svg_path = files.Path("render.svg");
  const std::string png_path = files.Path("render.png");
  const std::string ppm_path = files.Path("render.ppm");
  WriteFile(svg_path, svg);
  if (Run("rsvg-convert -f png -w " + std::to_string(width) + " -o '" + png_path + "' '" + svg_path + "'") != 0) {
    ADD_FAILURE() << "rsvg-convert failed";
    return std::nullopt;
  }
  if (Run("pngtopnm '" + png_path + "' > '" + ppm_path + "' 2>/dev/null") != 0) {
    ADD_FAILURE() << "pngtopnm failed";
    return std::nullopt;
  }
  const auto bytes = ReadFile(ppm_path);
  if (!bytes) return std::nullopt;
  return ReadPnm(*bytes);
}

double LuminanceVariance(const Image& image) {
  double sum = 0;
  double sum_sq = 0;
  const size_t n = image.rgb.size() / 3;
  for (size_t p = 0; p < n; ++p) {
    const double y = 0.2126 * image.rgb[p * 3] + 0.7152 * image.rgb[p * 3 + 1] +
                     0.0722 * image.rgb[p * 3 + 2];
    sum += y;
    sum_sq += y * y;
  }
  const double mean = sum / static_cast<double>(n);
  return sum_sq / static_cast<double>(n) - mean * mean;
}

// Pixels within a small distance of the colour "#rrggbb".
int PixelsNear(const Image& image, std::string_view hex) {
  const int r = std::stoi(std::string(hex.substr(1, 2)), nullptr, 16);
  const int g = std::stoi(std::string(hex.substr(3, 2)), nullptr, 16);
  const int b = std::stoi(std::string(hex.substr(5, 2)), nullptr, 16);
  int n = 0;
  for (size_t p = 0; p + 2 < image.rgb.size(); p += 3) {
    const int dr = image.rgb[p] - r;
    const int dg = image.rgb[p + 1] - g;
    const int db = image.rgb[p + 2] - b;
    if (dr * dr + dg * dg + db * db < 30 * 30) ++n;
  }
  return n;
}

// ------------------------------------------------------------------ (a)

TEST(ChartSvgTest, SampleIsWellFormed) {
  const std::string svg = RenderChartSvg(SampleEpisode());
  EXPECT_EQ(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0), 0u);
  const auto elements = ParseOrFail(svg);
  ASSERT_FALSE(elements.empty());
  const Element& root = elements.front();
  EXPECT_EQ(root.name, "svg");
  EXPECT_EQ(root.attrs.at("xmlns"), "http://www.w3.org/2000/svg");
  EXPECT_EQ(root.attrs.at("role"), "img");
  EXPECT_EQ(root.attrs.at("aria-labelledby"), "nt-chart-title nt-chart-desc");
  EXPECT_EQ(root.attrs.at("viewBox").rfind("0 0 800.0 ", 0), 0u);
  EXPECT_EQ(root.attrs.count("width"), 0u) << "sized by the viewBox only, so it scales";
  EXPECT_EQ(elements[1].name, "title");
  EXPECT_EQ(elements[2].name, "desc");
  TempFiles files;
  ExpectXmllintAccepts(svg, files);
}

TEST(ChartSvgTest, UsesNoExternalResources) {
  const std::string svg = RenderChartSvg(SampleEpisode());
  EXPECT_EQ(svg.find("href"), std::string::npos);
  EXPECT_EQ(svg.find("@import"), std::string::npos);
  EXPECT_EQ(svg.find("url(http"), std::string::npos);
  EXPECT_NE(svg.find(R"(font-family="sans-serif")"), std::string::npos);
}

// ------------------------------------------------------------------ (b)

TEST(ChartSvgTest, SampleHasItsLinesAndMarkers) {
  const std::string svg = RenderChartSvg(SampleEpisode());
  const auto elements = ParseOrFail(svg);
  EXPECT_EQ(Count(elements, "polyline"), 2);
  EXPECT_EQ(Count(elements, "polyline", "series-back"), 1);
  EXPECT_EQ(Count(elements, "polyline", "series-leg"), 1);
  EXPECT_EQ(Count(elements, "circle", "back-point"), 6);  // 7 check-ins, one without a back score
  EXPECT_EQ(Count(elements, "rect", "leg-point"), 6);     // 7 check-ins, one without a leg score
  EXPECT_EQ(Find(elements, "advice-marker").size(), 7u);
  EXPECT_EQ(Find(elements, "advice-urgent").size(), 1u);
  EXPECT_EQ(Find(elements, "advice-routine").size(), 1u);
  EXPECT_EQ(Find(elements, "advice-self-care").size(), 5u);
  EXPECT_EQ(Find(elements, "advice-emergency").size(), 0u);
  EXPECT_EQ(Count(elements, "polygon", "band"), 2);
  EXPECT_EQ(Count(elements, "line", "review-back"), 1);
  EXPECT_EQ(Count(elements, "line", "review-leg"), 1);
  EXPECT_EQ(Count(elements, "line", "today"), 1);
  EXPECT_EQ(Count(elements, "text", "message"), 0);

  // The two pains differ in colour and in dash.
  const auto back = Find(elements, "series-back");
  const auto legs = Find(elements, "series-leg");
  ASSERT_EQ(back.size(), 1u);
  ASSERT_EQ(legs.size(), 1u);
  EXPECT_NE(back[0]->attrs.at("stroke"), legs[0]->attrs.at("stroke"));
  EXPECT_EQ(back[0]->attrs.count("stroke-dasharray"), 0u);
  EXPECT_EQ(legs[0]->attrs.count("stroke-dasharray"), 1u);

  // Sorted by day although given out of order.
  const auto xs = PolylineXs(*back[0]);
  ASSERT_EQ(xs.size(), 6u);
  for (size_t i = 1; i < xs.size(); ++i) EXPECT_LT(xs[i - 1], xs[i]);

  // Texts a reader needs.
  for (std::string_view text :
       {"Recovery since 2026-11-02", "Day since the illness began", "Pain score (0-10)",
        "Back: see a doctor if not better", "Legs: see a doctor if not better", ">Today<",
        "Back pain", "Leg aches", "Urgent: see a doctor today", "Self-care at home"}) {
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  }
  // The x axis runs to the back review day (21) + 2, labelled every 2 days.
  EXPECT_EQ(Count(elements, "text", "x-tick"), 12);
  EXPECT_NE(svg.find(">22</text>"), std::string::npos);
  // Tooltips and the description carry the data in words.
  EXPECT_NE(svg.find("<title>Day 4 (2026-11-06): back pain 4 of 10</title>"), std::string::npos);
  EXPECT_NE(svg.find("Leg aches: day 1 score 7, day 2 score 8,"), std::string::npos);
  EXPECT_NE(svg.find("Today is day 9."), std::string::npos);
}

TEST(ChartSvgTest, ShowsOnlyTheChosenPains) {
  ChartInput in = SampleEpisode();
  in.show_legs = false;
  const auto elements = ParseOrFail(RenderChartSvg(in));
  EXPECT_EQ(Count(elements, "polyline"), 1);
  EXPECT_EQ(Count(elements, "rect", "leg-point"), 0);
  EXPECT_EQ(Count(elements, "polygon", "band-leg"), 0);
  EXPECT_EQ(Count(elements, "line", "review-leg"), 0);
  EXPECT_EQ(Find(elements, "advice-marker").size(), 7u);  // advice is not a pain
}

// ------------------------------------------------------------------ edge cases

struct EdgeCase {
  std::string_view name;
  std::vector<ChartCheckin> checkins;
  int back_points;
  int leg_points;
  int polylines;
  int advice_markers;
  std::string_view message;  // "" for none
};

TEST(ChartSvgTest, EdgeCases) {
  const double nan = std::nan("");
  const EdgeCase cases[] = {
      {"no check-ins", {}, 0, 0, 0, 0, "No check-ins yet"},
      {"one check-in", {{2, "d", 5, 4, Level::kUrgent}}, 1, 1, 0, 1, ""},
      {"no scores", {{1, "d", std::nullopt, std::nullopt, Level::kSelfCare},
                     {2, "d", std::nullopt, std::nullopt, Level::kSelfCare}}, 0, 0, 0, 2,
       "No pain scores yet"},
      {"missing scores", {{1, "d", 5, std::nullopt, Level::kSelfCare},
                          {2, "d", std::nullopt, 6, Level::kSelfCare},
                          {3, "d", 4, 5, Level::kSelfCare}}, 2, 2, 2, 3, ""},
      {"out of order", {{5, "d", 1, 1, Level::kSelfCare}, {1, "d", 8, 8, Level::kEmergency},
                        {3, "d", 4, 3, Level::kRoutine}}, 3, 3, 2, 3, ""},
      {"bad days and scores", {{-1, "d", 5, 5, Level::kSelfCare},
                               {nan, "d", 5, 5, Level::kSelfCare},
                               {1, "d", nan, 12, Level::kSelfCare},
                               {2, "d", -3, 4, Level::kSelfCare}}, 1, 2, 1, 2, ""},
      {"same day twice", {{2, "d", 5, 5, Level::kSelfCare}, {2, "d", 6, 6, Level::kUrgent}},
       2, 2, 2, 2, ""},
      {"beyond 60 days", {{1, "d", 7, 7, Level::kUrgent}, {45, "d", 3, 1, Level::kRoutine},
                          {75.5, "d", 2, 0, Level::kRoutine}}, 3, 3, 2, 3, ""},
  };
  TempFiles files;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ChartInput in = SampleEpisode();
    in.checkins = c.checkins;
    in.today = -1;
    const std::string svg = RenderChartSvg(in);
    const auto elements = ParseOrFail(svg);
    EXPECT_EQ(Count(elements, "circle", "back-point"), c.back_points);
    EXPECT_EQ(Count(elements, "rect", "leg-point"), c.leg_points);
    EXPECT_EQ(Count(elements, "polyline"), c.polylines);
    EXPECT_EQ(static_cast<int>(Find(elements, "advice-marker").size()), c.advice_markers);
    EXPECT_EQ(Count(elements, "line", "today"), 0);
    const auto message = Find(elements, "message");
    EXPECT_EQ(message.size(), c.message.empty() ? 0u : 1u);
    if (!c.message.empty()) {
      EXPECT_NE(svg.find(c.message), std::string::npos);
    }
    // Every polyline in day order, and every marker inside the plot.
    for (const Element* line : Find(elements, "series")) {
      const auto xs = PolylineXs(*line);
      for (size_t i = 1; i < xs.size(); ++i) EXPECT_LE(xs[i - 1], xs[i]);
    }
    for (const Element* point : Find(elements, "back-point")) {
      const double cx = std::stod(point->attrs.at("cx"));
      EXPECT_GE(cx, 72);
      EXPECT_LE(cx, 776);
    }
    ExpectXmllintAccepts(svg, files);
  }
}

TEST(ChartSvgTest, LongEpisodesWidenTheAxisWithoutCrowdingIt) {
  ChartInput in = SampleEpisode();
  in.checkins.push_back({75.5, "", 1, 0, Level::kSelfCare});
  const auto elements = ParseOrFail(RenderChartSvg(in));
  // 0 .. ceil(75.5) + 2 = 78, labelled every 5 days: 0, 5, ..., 75.
  const auto ticks = Find(elements, "x-tick");
  EXPECT_EQ(ticks.size(), 16u);
  EXPECT_LE(ticks.size(), 25u);

  in.checkins.push_back({1e6, "", 1, 0, Level::kSelfCare});
  const auto huge = ParseOrFail(RenderChartSvg(in));
  EXPECT_LE(Find(huge, "x-tick").size(), 25u);
}

// A phone: laid out 328 units wide (a 360-px screen less the page's
// margins), drawn at 328 CSS pixels. Every text is 12 units (px) or more and,
// by the width the layout itself estimates, inside the chart: the legends and
// the axis titles are not cut off.
TEST(ChartSvgTest, NarrowChartFitsAPhoneWithTextOf12PxOrMore) {
  for (double width : {300.0, 328.0, 390.0, 800.0}) {
    SCOPED_TRACE(width);
    ChartInput in = SampleEpisode();
    in.width = width;
    const std::string svg = RenderChartSvg(in);
    const auto elements = ParseOrFail(svg);
    ASSERT_FALSE(elements.empty());
    EXPECT_EQ(elements[0].attrs.at("viewBox").rfind(fmt::format("0 0 {:.1f} ", width), 0), 0u)
        << elements[0].attrs.at("viewBox");
    // <text …>words</text>, with its x, anchor, size and weight.
    const std::regex text_re(R"re(<text([^>]*)>([^<]*)</text>)re");
    const std::regex attr_re(R"re(([a-z-]+)="([^"]*)")re");
    int texts = 0;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text_re); it != std::sregex_iterator(); ++it) {
      std::map<std::string, std::string> attrs;
      const std::string head = (*it)[1];
      for (auto a = std::sregex_iterator(head.begin(), head.end(), attr_re); a != std::sregex_iterator(); ++a) {
        attrs[(*a)[1]] = (*a)[2];
      }
      const std::string words = (*it)[2];
      ++texts;
      const double size = std::stod(attrs.at("font-size"));
      EXPECT_GE(size, 12) << words;
      if (attrs.count("transform")) continue;  // the rotated y title: checked by its height below
      size_t chars = 0;
      for (char c : words) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      const double w = static_cast<double>(chars) * size * (attrs.count("font-weight") ? 0.66 : 0.56);
      const double x = std::stod(attrs.at("x"));
      const std::string anchor = attrs.count("text-anchor") ? attrs.at("text-anchor") : "start";
      const double left = anchor == "end" ? x - w : anchor == "middle" ? x - w / 2 : x;
      EXPECT_GE(left, 0) << words;
      EXPECT_LE(left + w, width + 0.5) << words;
    }
    EXPECT_GT(texts, 20);
    // The review labels name the lines whole.
    EXPECT_NE(svg.find("Back: see a doctor if not better"), std::string::npos);
    EXPECT_NE(svg.find("Legs: see a doctor if not better"), std::string::npos);
  }
}

// The review lines are where the input puts them (the day the advice text
// gives: Episodes::ChartSvg passes today + "in N more days").
TEST(ChartSvgTest, ReviewLinesAreAtTheGivenDays) {
  ChartInput in = SampleEpisode();
  in.width = 328;
  in.leg_review_day = 13;
  in.back_review_day = 25;
  const auto elements = ParseOrFail(RenderChartSvg(in));
  const double x_max = 25 + 2;  // ceil(the last of check-ins, reviews, today) + 2
  const double px_per_day = (328 - 24 - 72) / x_max;
  for (const auto& [css, day] : {std::pair<std::string, double>{"review-leg", 13}, {"review-back", 25}}) {
    const auto lines = Find(elements, css);
    ASSERT_EQ(lines.size(), 1u) << css;
    EXPECT_NEAR((std::stod(lines[0]->attrs.at("x1")) - 72) / px_per_day, day, 0.05) << css;
  }
  in.leg_review_day = -1;  // not in today's advice: no line
  EXPECT_EQ(Find(ParseOrFail(RenderChartSvg(in)), "review-leg").size(), 0u);
}

TEST(ChartSvgTest, NarrowChartRendersAtItsWidth) {
  REQUIRE_TOOL("rsvg-convert", "librsvg2-bin");
  REQUIRE_TOOL("pngtopnm", "netpbm");
  ChartInput in = SampleEpisode();
  in.width = 328;
  TempFiles files;
  const auto image = Render(RenderChartSvg(in), files, 328);
  ASSERT_TRUE(image.has_value());
  EXPECT_EQ(image->width, 328);
  EXPECT_GT(image->height, 300);
  EXPECT_GT(PixelsNear(*image, "#5b3a9a"), 100) << "back pain";
}

// ------------------------------------------------------------------ (c)

TEST(ChartSvgTest, RendersToAPictureThatIsNotBlank) {
  REQUIRE_TOOL("rsvg-convert", "librsvg2-bin");
  REQUIRE_TOOL("pngtopnm", "netpbm");
  TempFiles files;
  const auto image = Render(RenderChartSvg(SampleEpisode()), files);
  ASSERT_TRUE(image.has_value()) << "could not decode the rendered PNG";
  EXPECT_EQ(image->width, 800);
  EXPECT_GT(image->height, 300);
  EXPECT_LT(image->height, 600);
  EXPECT_GT(LuminanceVariance(*image), 100.0);
  // The lines and markers are there in their colours, not just the axes.
  EXPECT_GT(PixelsNear(*image, "#5b3a9a"), 300) << "back pain";
  EXPECT_GT(PixelsNear(*image, "#00897b"), 300) << "leg aches";
  EXPECT_GT(PixelsNear(*image, "#ef6c00"), 30) << "urgent marker";
}

TEST(ChartSvgTest, EmptyChartRendersTooAndSaysSo) {
  REQUIRE_TOOL("rsvg-convert", "librsvg2-bin");
  REQUIRE_TOOL("pngtopnm", "netpbm");
  ChartInput in = SampleEpisode();
  in.checkins.clear();
  TempFiles files;
  const auto image = Render(RenderChartSvg(in), files);
  ASSERT_TRUE(image.has_value());
  EXPECT_GT(LuminanceVariance(*image), 50.0);
}

// ------------------------------------------------------------------ (d)

TEST(ChartSvgTest, EscapesEveryText) {
  ChartInput in = SampleEpisode();
  in.title = R"(Tom & Jerry's <b>"chart"</b>)";
  in.checkins[0].date = "<script>alert(1)</script>";
  in.disposition_labels[Level::kUrgent] = "Urgent & <soon>";
  const std::string svg = RenderChartSvg(in);
  ParseOrFail(svg);
  EXPECT_NE(svg.find("<title id=\"nt-chart-title\">Tom &amp; Jerry&apos;s &lt;b&gt;&quot;chart&quot;"
                     "&lt;/b&gt;</title>"),
            std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("Urgent &amp; &lt;soon&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<soon>"), std::string::npos);
  TempFiles files;
  ExpectXmllintAccepts(svg, files);
}

TEST(ChartSvgTest, ReplacesWhatXmlCannotHold) {
  ChartInput in = SampleEpisode();
  // A stray continuation byte, a truncated sequence (each of its bytes is
  // replaced), a control character and U+FFFF; then valid non-ASCII text,
  // which passes through.
  in.title = std::string("a\x80 b\xE2\x82 c\x01 d\xEF\xBF\xBF e") + " Genesung \xC3\xBC";
  const std::string svg = RenderChartSvg(in);
  ParseOrFail(svg);
  EXPECT_NE(svg.find("a\xEF\xBF\xBD b\xEF\xBF\xBD\xEF\xBF\xBD c\xEF\xBF\xBD d\xEF\xBF\xBD e Genesung \xC3\xBC"),
            std::string::npos);
  TempFiles files;
  ExpectXmllintAccepts(svg, files);
}

TEST(ChartSvgTest, CutsALongTitleButKeepsItWholeForScreenReaders) {
  ChartInput in = SampleEpisode();
  in.title = std::string(200, 'W');
  const std::string svg = RenderChartSvg(in);
  ParseOrFail(svg);
  EXPECT_NE(svg.find(">" + in.title + "</title>"), std::string::npos);
  EXPECT_NE(svg.find("W\xE2\x80\xA6</text>"), std::string::npos);
}

// ------------------------------------------------------------------ the example

// doc/chart-example.svg is the sample, as rendered today, for reviewers.
TEST(ChartSvgTest, CheckedInExampleIsUpToDate) {
  const std::string path = std::string(NOROTRIAGE_SOURCE_DIR) + "/doc/chart-example.svg";
  const std::string svg = RenderChartSvg(SampleEpisode());
  if (std::getenv("NOROTRIAGE_UPDATE_GOLDEN") != nullptr) WriteFile(path, svg);
  const auto stored = ReadFile(path);
  ASSERT_TRUE(stored.has_value()) << path << " is missing";
  EXPECT_TRUE(*stored == svg) << path
                              << " is out of date: run this test with NOROTRIAGE_UPDATE_GOLDEN=1";
}

}  // namespace
}  // namespace norotriage::internal
