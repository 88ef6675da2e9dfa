// The tokenizer of the Python subset (pyscript.h): Python's rules for indentation (a tab advances
// to the next multiple of 8), comments, explicit (backslash) and implicit (bracket) line
// continuation, string literals with escapes, and number literals. Bounded by Limits.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/hex.h"
#include "emulator/pyscript.h"

namespace chainlab::emulator::pyscript {

Error script_error(const std::string& source, int line, std::string_view message) {
  return make_error(ErrorCode::kInvalidArgument, "{}:{}: {}", source, line, message);
}

namespace {

constexpr std::array<std::string_view, 5> kOps3 = {"**=", "//=", ">>=", "<<=", "..."};
constexpr std::array<std::string_view, 20> kOps2 = {
    "**", "//", ">>", "<<", "<=", ">=", "==", "!=", "<>", "+=",
    "-=", "*=", "/=", "%=", "&=", "|=", "^=", "->", ":=", "@="};
constexpr std::string_view kOps1 = "+-*/%&|^~<>()[]{},:.;@=";

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_name_char(char c) {
  return is_name_start(c) || is_digit(c);
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// An escaped code: its low byte in a bytes literal, else UTF-8.
void append_code(std::string& out, uint32_t v, bool bytes) {
  if (bytes) {
    out += static_cast<char>(v & 0xFF);
  } else {
    append_utf8(out, v);
  }
}

// 0 when `text` is valid UTF-8 without NUL bytes, else the 1-based line of the first bad byte;
// `nul` tells which problem it was.
int first_bad_byte_line(std::string_view text, bool& nul) {
  int line = 1;
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == 0) {
      nul = true;
      return line;
    }
    if (c == '\n') {
      ++line;
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || c == 0xC0 || c == 0xC1 || c > 0xF4 || i + len > text.size()) {
      return line;
    }
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        return line;
      }
    }
    i += len;
  }
  return 0;
}

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& source, const Limits& limits)
      : t_(text), source_(source), limits_(limits) {}

  Result<std::vector<Token>> run() {
    if (t_.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;
    }
    bool at_line_start = true;
    while (pos_ < t_.size()) {
      if (at_line_start && brackets_.empty()) {
        CL_RETURN_IF_ERROR(indentation());
        at_line_start = false;
        continue;
      }
      char c = t_[pos_];
      if (c == ' ' || c == '\t' || c == '\f') {
        ++pos_;
      } else if (c == '#') {
        skip_to_line_end();
      } else if (c == '\n' || c == '\r') {
        skip_newline();
        if (brackets_.empty()) {
          CL_RETURN_IF_ERROR(newline_token(line_ - 1));
          at_line_start = true;
        }
      } else if (c == '\\') {
        if (pos_ + 1 < t_.size() && (t_[pos_ + 1] == '\n' || t_[pos_ + 1] == '\r')) {
          ++pos_;
          skip_newline();
        } else {
          return error("unexpected '\\' (a line continuation must end its line)");
        }
      } else if (is_name_start(c)) {
        CL_RETURN_IF_ERROR(name_or_string());
      } else if (is_digit(c) || (c == '.' && pos_ + 1 < t_.size() && is_digit(t_[pos_ + 1]))) {
        CL_RETURN_IF_ERROR(number());
      } else if (c == '"' || c == '\'') {
        CL_RETURN_IF_ERROR(string_literal(""));
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        return error("non-ASCII character outside a string or comment");
      } else {
        CL_RETURN_IF_ERROR(op());
      }
    }
    if (!brackets_.empty()) {
      return script_error(source_, brackets_.back().second,
                          fmt::format("'{}' is never closed", brackets_.back().first));
    }
    CL_RETURN_IF_ERROR(newline_token(line_));
    while (indents_.size() > 1) {
      indents_.pop_back();
      CL_RETURN_IF_ERROR(push(TokenKind::kDedent, ""));
    }
    CL_RETURN_IF_ERROR(push(TokenKind::kEnd, ""));
    return std::move(tokens_);
  }

 private:
  Error error(std::string_view message) const { return script_error(source_, line_, message); }

  Status push(TokenKind kind, std::string text, bool bytes = false) {
    if (tokens_.size() >= limits_.max_tokens) {
      return error(fmt::format("more than {} tokens; not a topology script", limits_.max_tokens));
    }
    tokens_.push_back(Token{kind, std::move(text), line_, bytes});
    return ok_status();
  }

  // Ends a logical line (only once, and not before anything was said).
  Status newline_token(int line) {
    if (!tokens_.empty() && tokens_.back().kind != TokenKind::kNewline &&
        tokens_.back().kind != TokenKind::kIndent && tokens_.back().kind != TokenKind::kDedent) {
      tokens_.push_back(Token{TokenKind::kNewline, "", line, false});
    }
    return ok_status();
  }

  void skip_newline() {
    if (t_[pos_] == '\r' && pos_ + 1 < t_.size() && t_[pos_ + 1] == '\n') {
      ++pos_;
    }
    ++pos_;
    ++line_;
  }

  void skip_to_line_end() {
    while (pos_ < t_.size() && t_[pos_] != '\n' && t_[pos_] != '\r') {
      ++pos_;
    }
  }

  // At the start of a logical line: measures the indentation and emits INDENT/DEDENT tokens.
  // Blank and comment-only lines leave the indentation alone.
  Status indentation() {
    int col = 0;
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\f')) {
      col = t_[pos_] == '\t' ? (col / 8 + 1) * 8 : t_[pos_] == ' ' ? col + 1 : 0;
      ++pos_;
    }
    if (pos_ >= t_.size() || t_[pos_] == '#' || t_[pos_] == '\n' || t_[pos_] == '\r') {
      return ok_status();
    }
    if (col > indents_.back()) {
      if (static_cast<int>(indents_.size()) > limits_.max_depth) {
        return error(fmt::format("blocks nested more than {} deep", limits_.max_depth));
      }
      indents_.push_back(col);
      return push(TokenKind::kIndent, "");
    }
    while (col < indents_.back()) {
      indents_.pop_back();
      CL_RETURN_IF_ERROR(push(TokenKind::kDedent, ""));
    }
    if (col != indents_.back()) {
      return error("unindent does not match any outer indentation level");
    }
    return ok_status();
  }

  Status name_or_string() {
    size_t start = pos_;
    while (pos_ < t_.size() && is_name_char(t_[pos_])) {
      ++pos_;
    }
    std::string_view word = t_.substr(start, pos_ - start);
    if (pos_ < t_.size() && (t_[pos_] == '"' || t_[pos_] == '\'') && word.size() <= 2) {
      std::string lower(word);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](char ch) { return static_cast<char>(ch | 0x20); });
      static constexpr std::array<std::string_view, 8> kPrefixes = {"r",  "u", "b",  "br",
                                                                    "rb", "f", "fr", "rf"};
      if (std::find(kPrefixes.begin(), kPrefixes.end(), lower) != kPrefixes.end()) {
        return string_literal(lower);
      }
    }
    if (pos_ < t_.size() && static_cast<unsigned char>(t_[pos_]) >= 0x80) {
      return error("non-ASCII character outside a string or comment");
    }
    return push(TokenKind::kName, std::string(word));
  }

  Status number() {
    size_t start = pos_;
    std::string text;
    bool radix = t_[pos_] == '0' && pos_ + 1 < t_.size() &&
                 std::string_view("xXoObB").find(t_[pos_ + 1]) != std::string_view::npos;
    if (radix) {
      text = t_.substr(pos_, 2);
      pos_ += 2;
    }
    while (pos_ < t_.size()) {
      char c = t_[pos_];
      bool exponent_sign = (c == '+' || c == '-') && !radix && !text.empty() &&
                           (text.back() == 'e' || text.back() == 'E');
      if (c == '_') {
        ++pos_;
        continue;
      }
      if (!(is_name_char(c) || c == '.' || exponent_sign)) {
        break;
      }
      if (c == '.' && pos_ + 1 < t_.size() && t_[pos_ + 1] == '.') {
        break;
      }
      text += c;
      ++pos_;
    }
    if (!text.empty() && (text.back() == 'j' || text.back() == 'J')) {
      return error("unsupported construct: complex number literal");
    }
    if (!text.empty() && (text.back() == 'l' || text.back() == 'L') && !radix) {
      text.pop_back();  // Python 2 long literal
    }
    if (!radix && text.size() > 1 && text[0] == '0' &&
        text.find_first_not_of("0123456789") == std::string::npos &&
        text.find_first_not_of('0') != std::string::npos) {
      return error(fmt::format("unsupported construct: old-style octal literal '{}'",
                               t_.substr(start, pos_ - start)));
    }
    return push(TokenKind::kNumber, std::move(text));
  }

  Status escape(std::string& out, bool bytes) {
    char c = t_[pos_++];
    auto hex = [&](int digits) -> Result<uint32_t> {
      uint32_t v = 0;
      for (int k = 0; k < digits; ++k) {
        int h = pos_ < t_.size() ? hex_digit_value(t_[pos_]) : -1;
        if (h < 0) {
          return error(fmt::format("truncated \\{} escape in a string", c));
        }
        v = v * 16 + static_cast<uint32_t>(h);
        ++pos_;
      }
      return v;
    };
    // One-character escapes, and what they stand for.
    constexpr std::string_view kEscaped = "ntrabfv\\'\"";
    constexpr std::string_view kMeaning = "\n\t\r\a\b\f\v\\'\"";
    if (size_t i = kEscaped.find(c); i != std::string_view::npos) {
      out += kMeaning[i];
      return ok_status();
    }
    switch (c) {
      case '\n':
        ++line_;
        return ok_status();
      case '\r':
        if (pos_ < t_.size() && t_[pos_] == '\n') {
          ++pos_;
        }
        ++line_;
        return ok_status();
      case 'x': {
        CL_ASSIGN_OR_RETURN(uint32_t v, hex(2));
        append_code(out, v, bytes);
        return ok_status();
      }
      case 'u':
      case 'U': {
        if (bytes) {
          out += '\\';
          out += c;
          return ok_status();
        }
        CL_ASSIGN_OR_RETURN(uint32_t v, hex(c == 'u' ? 4 : 8));
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
          return error(fmt::format("invalid code point U+{:X} in a string", v));
        }
        append_utf8(out, v);
        return ok_status();
      }
      case 'N':
        return error("unsupported construct: \\N{...} escape");
      default:
        break;
    }
    if (c >= '0' && c <= '7') {
      uint32_t v = static_cast<uint32_t>(c - '0');
      for (int k = 0; k < 2 && pos_ < t_.size() && t_[pos_] >= '0' && t_[pos_] <= '7'; ++k) {
        v = v * 8 + static_cast<uint32_t>(t_[pos_++] - '0');
      }
      append_code(out, v, bytes);
      return ok_status();
    }
    out += '\\';  // unknown escapes stay as they are
    out += c;
    return ok_status();
  }

  Status string_literal(std::string_view prefix) {
    if (prefix.find('f') != std::string_view::npos) {
      return error("unsupported construct: f-string");
    }
    bool raw = prefix.find('r') != std::string_view::npos;
    bool bytes = prefix.find('b') != std::string_view::npos;
    int start_line = line_;
    char quote = t_[pos_];
    bool triple = t_.substr(pos_, 3) == std::string(3, quote);
    pos_ += triple ? 3 : 1;
    std::string out;
    while (true) {
      if (pos_ >= t_.size()) {
        return script_error(source_, start_line, "unterminated string");
      }
      char c = t_[pos_];
      if (c == quote && (!triple || t_.substr(pos_, 3) == std::string(3, quote))) {
        pos_ += triple ? 3 : 1;
        break;
      }
      if (c == '\n' || c == '\r') {
        if (!triple) {
          return script_error(source_, start_line, "unterminated string");
        }
        skip_newline();
        out += '\n';
        continue;
      }
      if (c == '\\' && pos_ + 1 < t_.size()) {
        ++pos_;
        if (raw) {
          out += '\\';
          if (t_[pos_] == '\n') {
            ++line_;
          }
          out += t_[pos_++];
        } else {
          CL_RETURN_IF_ERROR(escape(out, bytes));
        }
        continue;
      }
      out += c;
      ++pos_;
    }
    // Implicit concatenation of adjacent literals ("a" "b") is done by the parser.
    int end_line = line_;
    line_ = start_line;
    Status s = push(TokenKind::kString, std::move(out), bytes);
    line_ = end_line;
    return s;
  }

  Status op() {
    std::string_view rest = t_.substr(pos_);
    std::string_view found;
    for (std::string_view o : kOps3) {
      if (rest.substr(0, 3) == o) {
        found = o;
      }
    }
    for (size_t k = 0; found.empty() && k < kOps2.size(); ++k) {
      if (rest.substr(0, 2) == kOps2[k]) {
        found = kOps2[k];
      }
    }
    if (found.empty() && kOps1.find(rest[0]) != std::string_view::npos) {
      found = rest.substr(0, 1);
    }
    if (found.empty()) {
      if (rest[0] == '`') {
        return error("unsupported construct: backquote repr");
      }
      return error(
          fmt::format("unexpected character '{}'",
                      rest[0] >= 0x20 && rest[0] < 0x7f
                          ? std::string(1, rest[0])
                          : fmt::format("\\x{:02x}", static_cast<unsigned char>(rest[0]))));
    }
    char c = found[0];
    if (found.size() == 1 && (c == '(' || c == '[' || c == '{')) {
      if (static_cast<int>(brackets_.size()) >= limits_.max_depth) {
        return error(fmt::format("brackets nested more than {} deep", limits_.max_depth));
      }
      brackets_.emplace_back(c, line_);
    } else if (found.size() == 1 && (c == ')' || c == ']' || c == '}')) {
      char open = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (brackets_.empty() || brackets_.back().first != open) {
        return error(fmt::format("unmatched '{}'", c));
      }
      brackets_.pop_back();
    }
    pos_ += found.size();
    return push(TokenKind::kOp, std::string(found));
  }

  std::string_view t_;
  const std::string& source_;
  const Limits& limits_;
  size_t pos_ = 0;
  int line_ = 1;
  std::vector<int> indents_{0};
  std::vector<std::pair<char, int>> brackets_;
  std::vector<Token> tokens_;
};

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view text, const std::string& source,
                                    const Limits& limits) {
  if (text.size() > limits.max_bytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: {} bytes is too large for a topology "
                      "script (at most {})",
                      source, text.size(), limits.max_bytes);
  }
  bool nul = false;
  if (int line = first_bad_byte_line(text, nul); line != 0) {
    return script_error(source, line,
                        nul ? "NUL byte: binary data, not a Python script" : "invalid UTF-8");
  }
  return Lexer(text, source, limits).run();
}

}  // namespace chainlab::emulator::pyscript
