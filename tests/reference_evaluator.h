// A deliberately naive evaluator of the rule language, for tests only.
//
// It reads condition *text* with plain recursive descent and evaluates it in
// Kleene logic as it goes, sharing no code with compile/ or eval/. The fast
// compiled program must agree with it on every rule and every request.
#ifndef NOROTRIAGE_TESTS_REFERENCE_EVALUATOR_H_
#define NOROTRIAGE_TESTS_REFERENCE_EVALUATOR_H_

#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace norotriage::testing {

enum class RefTri { kFalse = 0, kUnknown = 1, kTrue = 2 };

struct RefValue {
  enum Kind { kBool, kNumber, kChoice } kind;
  bool known = false;
  double number = 0;       // kBool: 0/1, kNumber: value
  std::string choice;      // kChoice
};

class ReferenceEvaluator {
 public:
  using Lookup = std::function<RefValue(const std::string&)>;
  // `definitions` maps a name to its condition text.
  ReferenceEvaluator(Lookup lookup, std::map<std::string, std::string> definitions)
      : lookup_(std::move(lookup)), defs_(std::move(definitions)) {}

  RefTri Eval(const std::string& text) {
    std::string saved = s_;
    size_t saved_pos = p_;
    s_ = text;
    p_ = 0;
    RefTri r = Or();
    Ws();
    if (p_ != s_.size()) throw std::runtime_error("trailing text in: " + text);
    s_ = saved;
    p_ = saved_pos;
    return r;
  }

 private:
  static RefTri And2(RefTri a, RefTri b) { return std::min(a, b); }
  static RefTri Or2(RefTri a, RefTri b) { return std::max(a, b); }

  void Ws() { while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_; }
  bool Word(const std::string& w) {
    Ws();
    if (s_.compare(p_, w.size(), w) != 0) return false;
    size_t e = p_ + w.size();
    if (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_')) return false;
    p_ = e;
    return true;
  }
  bool Char(char c) {
    Ws();
    if (p_ < s_.size() && s_[p_] == c) { ++p_; return true; }
    return false;
  }
  std::string Name() {
    Ws();
    size_t b = p_;
    while (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_')) ++p_;
    return s_.substr(b, p_ - b);
  }
  RefTri Or() {
    RefTri r = And();
    while (Word("or")) r = Or2(r, And());
    return r;
  }
  RefTri And() {
    RefTri r = Not();
    while (Word("and")) r = And2(r, Not());
    return r;
  }
  RefTri Not() {
    if (Word("not")) {
      RefTri r = Not();
      return static_cast<RefTri>(2 - static_cast<int>(r));
    }
    return Postfix();
  }
  // "X is not true": true when X is false or unknown.
  RefTri Postfix() {
    RefTri r = Primary();
    if (Word("is")) {
      if (!Word("not") || !Word("true")) throw std::runtime_error("expected 'is not true'");
      return r == RefTri::kTrue ? RefTri::kFalse : RefTri::kTrue;
    }
    return r;
  }
  RefTri Primary() {
    if (Char('(')) {
      RefTri r = Or();
      if (!Char(')')) throw std::runtime_error("expected )");
      return r;
    }
    if (Word("at_least")) {
      Char('(');
      Ws();
      int k = 0;
      while (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) k = k * 10 + (s_[p_++] - '0');
      int t = 0, u = 0;
      while (Char(',')) {
        RefTri r = Or();
        t += r == RefTri::kTrue;
        u += r == RefTri::kUnknown;
      }
      Char(')');
      return t >= k ? RefTri::kTrue : (t + u >= k ? RefTri::kUnknown : RefTri::kFalse);
    }
    if (Word("known")) {
      Char('(');
      std::string n = Name();
      Char(')');
      return lookup_(n).known ? RefTri::kTrue : RefTri::kFalse;
    }
    std::vector<std::string> terms{Name()};
    while (Char('+')) terms.push_back(Name());
    Ws();
    if (Word("in")) {
      Char('{');
      std::vector<std::string> set{Name()};
      while (Char(',')) set.push_back(Name());
      Char('}');
      RefValue v = lookup_(terms[0]);
      if (!v.known) return RefTri::kUnknown;
      for (const auto& c : set) if (c == v.choice) return RefTri::kTrue;
      return RefTri::kFalse;
    }
    std::string op;
    Ws();
    while (p_ < s_.size() && std::string("=!<>").find(s_[p_]) != std::string::npos) op += s_[p_++];
    if (op.empty()) {
      if (defs_.count(terms[0])) return Eval(defs_[terms[0]]);
      RefValue v = lookup_(terms[0]);
      if (!v.known) return RefTri::kUnknown;
      return v.number != 0 ? RefTri::kTrue : RefTri::kFalse;
    }
    Ws();
    size_t b = p_;
    while (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_' ||
                              s_[p_] == '.' || s_[p_] == '-')) ++p_;
    std::string rhs = s_.substr(b, p_ - b);
    auto cmp = [&](double a, double c) {
      if (op == "=" || op == "==") return a == c;
      if (op == "!=") return a != c;
      if (op == "<") return a < c;
      if (op == "<=") return a <= c;
      if (op == ">") return a > c;
      return a >= c;
    };
    if (terms.size() > 1) {
      // Sum of non-negative terms: try every completion's extremes.
      double sum = 0;
      bool unknown = false;
      for (const auto& t : terms) {
        RefValue v = lookup_(t);
        if (v.known) sum += v.number; else unknown = true;
      }
      double c = std::stod(rhs);
      if (!unknown) return cmp(sum, c) ? RefTri::kTrue : RefTri::kFalse;
      // With unknown terms >= 0 the sum can be anything >= the known part.
      bool can_true = cmp(sum, c) || cmp(1e12, c) || cmp(c, c);
      bool can_false = !cmp(sum, c) || !cmp(1e12, c);
      if (can_true && !can_false) return RefTri::kTrue;
      if (!can_true) return RefTri::kFalse;
      if (op == ">=" || op == ">") return cmp(sum, c) ? RefTri::kTrue : RefTri::kUnknown;
      if (op == "<=" || op == "<") return cmp(sum, c) ? RefTri::kUnknown : RefTri::kFalse;
      return RefTri::kUnknown;
    }
    RefValue v = lookup_(terms[0]);
    if (!v.known) return RefTri::kUnknown;
    bool result;
    if (v.kind == RefValue::kBool) {
      bool want = rhs == "true";
      result = (v.number != 0) == want;
      if (op == "!=") result = !result;
    } else if (v.kind == RefValue::kChoice) {
      result = v.choice == rhs;
      if (op == "!=") result = !result;
    } else {
      result = cmp(v.number, std::stod(rhs));
    }
    return result ? RefTri::kTrue : RefTri::kFalse;
  }

  Lookup lookup_;
  std::map<std::string, std::string> defs_;
  std::string s_;
  size_t p_ = 0;
};

}  // namespace norotriage::testing

#endif  // NOROTRIAGE_TESTS_REFERENCE_EVALUATOR_H_
